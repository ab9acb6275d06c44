// Summarise a .cpuprofile (from `npm run bench -- --profile`): top functions by self time, and the
// server's own functions (dist/, bench/) by inclusive time — the hot path with its callees.
//   node bench/lib/profile-summary.mjs file.cpuprofile [topN]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

function label(node) {
  const f = node.callFrame;
  const file = f.url
    ? f.url.replace(/^.*\/node_modules\//, 'node_modules/').replace(/^file:\/\/.*?\/(dist|bench|src)\//, '$1/')
    : '';
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
}

export function summarizeProfile(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = profile.timeDeltas;
  const total = dt.reduce((a, b) => a + b, 0);
  let idle = 0;
  const self = new Map();
  const inclusive = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const us = dt[i] ?? 0;
    const leaf = byId.get(profile.samples[i]);
    const leafName = label(leaf);
    if (leaf.callFrame.functionName === '(idle)') idle += us;
    self.set(leafName, (self.get(leafName) ?? 0) + us);
    const seen = new Set();
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id));
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const rows = (map, filter) =>
    [...map.entries()]
      .filter(([name]) => filter(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: +(us / 1000).toFixed(1), pctOfBusy: +((100 * us) / busy).toFixed(1) }));
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    self: rows(self, (n) => !n.startsWith('(idle)')),
    ownInclusive: rows(inclusive, (n) => / (dist|bench)\//.test(n)),
  };
}

export function printProfile(title, summary, top = 15) {
  console.log(`\n${title}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms sampled`);
  console.log('  self time (% of busy):');
  for (const r of summary.self.slice(0, top)) console.log(`    ${String(r.pctOfBusy).padStart(5)}%  ${r.name}`);
  console.log('  server code, inclusive (% of busy):');
  for (const r of summary.ownInclusive.slice(0, top)) console.log(`    ${String(r.pctOfBusy).padStart(5)}%  ${r.name}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const top = Number(process.argv[3] ?? 20);
  printProfile(process.argv[2], summarizeProfile(JSON.parse(readFileSync(process.argv[2], 'utf8')), top), top);
}
