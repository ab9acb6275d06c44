import { confirm, input, select } from '@inquirer/prompts';
import type { InstallPrompts } from '../installer/install-prompts.js';

/** The real terminal prompts. Ctrl+C makes them reject with ExitPromptError. */
export const inquirerPrompts: InstallPrompts = {
  input: (question) => input(question),
  confirm: (question) => confirm(question),
  select: (question) => select({ ...question, choices: [...question.choices] }),
};
