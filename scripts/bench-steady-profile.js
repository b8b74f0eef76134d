// Top self-time functions of a V8 CPU profile (.cpuprofile from `node --cpu-prof`), for the B2 and
// B3 profile summaries: `node scripts/bench-steady-profile.js FILE [--top 15]`.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { root } from './bench-support.js';

/**
 * Self time per function (name + file:line), summed over the profile's nodes, largest first, with
 * its share of all samples. The V8 pseudo-nodes (idle, program, GC) are kept: they say as much.
 */
export function topSelfTime(profile, top = 15) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const deltas = profile.timeDeltas ?? [];
  const totalMs = deltas.reduce((sum, delta) => sum + delta, 0) / 1000;
  const perFunction = new Map();
  for (const [id, count] of counts) {
    const frame = byNode.get(id)?.callFrame;
    if (!frame) continue;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    perFunction.set(key, (perFunction.get(key) ?? 0) + count);
  }
  return [...perFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, count]) => ({
      name,
      percent: (count / total) * 100,
      ms: total === 0 ? 0 : (count / total) * totalMs,
    }));
}

function shortUrl(url) {
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith('/') ? relative(root, path) : path;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 15;
  if (!file) throw new Error('usage: node scripts/bench-steady-profile.js FILE.cpuprofile [--top 15]');
  for (const row of topSelfTime(JSON.parse(readFileSync(file, 'utf8')), top))
    console.log(`${row.percent.toFixed(1).padStart(5)} %  ${row.ms.toFixed(0).padStart(7)} ms  ${row.name}`);
}
