/**
 * Just enough PHP reading to edit config arrays safely: find `'name' => [ … ]` and the matching
 * bracket, skipping strings and comments. Anything we do not understand makes the caller fall back
 * to printing the snippet instead of editing.
 */

export interface ArrayEntry {
  /** Index of the opening quote of the key. */
  start: number;
  /** Index of the `[` that opens the value. */
  open: number;
  /** Index of the matching `]`. */
  close: number;
}

/** Index of the bracket closing the one at `open`, or -1. */
export function matchBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return -1;
      i = end + 1;
    } else if (c === '[') {
      depth++;
    } else if (c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The first `'key' => [` at or after `from`, outside comments (a commented-out block is not an entry). */
export function findArrayEntry(text: string, key: string, from = 0): ArrayEntry | null {
  const pattern = new RegExp(`(['"])${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*=>\\s*\\[`, 'g');
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const lineStart = text.lastIndexOf('\n', match.index) + 1;
    const linePrefix = text.slice(lineStart, match.index);
    if (/\/\/|#|^\s*\*/.test(linePrefix)) continue;
    const open = match.index + match[0].length - 1;
    const close = matchBracket(text, open);
    if (close === -1) return null;
    return { start: match.index, open, close };
  }
  return null;
}
