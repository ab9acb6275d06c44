/**
 * A small unified diff for `--dry-run`: enough to review a few config files, no dependency.
 * Line-based longest common subsequence; very large files fall back to "replace everything".
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

function diffLines(a: string[], b: string[]): Op[] {
  if (a.length * b.length > 4_000_000) {
    return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      ops.push({ kind: '-', line: a[i]! });
      i++;
    } else {
      ops.push({ kind: '+', line: b[j]! });
      j++;
    }
  }
  return ops;
}

const toLines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** Unified diff of two texts (`before` null = new file), with `context` lines around changes. */
export function unifiedDiff(path: string, before: string | null, after: string, context = 3): string {
  const ops = diffLines(toLines(before ?? ''), toLines(after));
  const out = [`--- ${before === null ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`];
  let index = 0;
  while (index < ops.length) {
    while (index < ops.length && ops[index]!.kind === ' ') index++;
    if (index >= ops.length) break;
    let start = Math.max(0, index - context);
    let end = index;
    // Extend the hunk while changes are within 2 * context of each other.
    for (let k = index; k < ops.length; k++) {
      if (ops[k]!.kind !== ' ') end = k;
      else if (k - end > 2 * context) break;
    }
    end = Math.min(ops.length, end + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.kind !== '+') oldLine++;
      if (ops[k]!.kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    for (const op of hunk) out.push(op.kind + op.line);
    index = end;
    start = end;
  }
  return out.join('\n') + '\n';
}
