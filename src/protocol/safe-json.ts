/**
 * JSON helpers for attacker-shaped values. V8's JSON.parse copes with any nesting a frame can hold,
 * but JSON.stringify recurses and throws RangeError a few thousand levels down; a throw inside a
 * socket's message handler would take the process down.
 */

/** JSON.stringify, or `undefined` when the value is nested too deeply to serialize. */
export function stringifyOrUndefined(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Deepest `{`/`[` nesting in a JSON text, ignoring brackets inside strings. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return deepest;
}

/** Presence user_info and sign-in user_data are app data, not documents: this is plenty. */
export const MAX_USER_DATA_DEPTH = 32;
