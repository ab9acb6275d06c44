/**
 * The questions the installer may ask. The CLI passes @inquirer/prompts; tests pass scripted
 * answers (that is the user, not the code under test).
 */
export interface InstallPrompts {
  input(question: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
  select<T extends string>(question: {
    message: string;
    choices: ReadonlyArray<{ name: string; value: T; description?: string }>;
    default?: T;
  }): Promise<T>;
}

/**
 * @inquirer/prompts rejects with an ExitPromptError when the user presses Ctrl+C (and an
 * AbortPromptError when aborted by a signal). Both mean "stop, write nothing".
 */
export function isPromptCancellation(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}
