// Summarise a .cpuprofile: top functions by self time, and by inclusive time for a few roots.
//   node bench/lib/profile-summary.mjs file.cpuprofile [topN]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function summarizeProfile(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  const samples = profile.samples;
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (dt[i] ?? 0));
  const total = dt.reduce((a, b) => a + b, 0);
  const agg = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*\/node_modules\//, 'node_modules/').replace(/^file:\/\/.*\/(dist|bench|src)\//, '$1/') : '';
    const name = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    agg.set(name, (agg.get(name) ?? 0) + us);
  }
  const rows = [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs: total / 1000, rows: rows.map(([name, us]) => ({ name, selfMs: +(us / 1000).toFixed(1), pct: +((100 * us) / total).toFixed(1) })) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const prof = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const { totalMs, rows } = summarizeProfile(prof, Number(process.argv[3] ?? 25));
  console.log(`total sampled ${totalMs.toFixed(0)} ms`);
  for (const r of rows) console.log(`${String(r.pct).padStart(5)}%  ${String(r.selfMs).padStart(8)} ms  ${r.name}`);
}
