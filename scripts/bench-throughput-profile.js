// Summarises a V8 CPU profile (node --cpu-prof; bench-throughput.js and bench-api.js write them
// with --fleet-cpu-prof DIR): the functions with the most self time, and the time under functions
// whose name or file matches a pattern. `node scripts/bench-throughput-profile.js FILE [TOP] [PATTERN…]`
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Self time per function (name + file:line), largest first, with its share of the sampled time. */
export function topSelfTime(profile, top = 15) {
  const { self, total } = selfTimes(profile);
  const rows = [...self.entries()]
    .map(([where, ms]) => ({ where, ms, share: total > 0 ? ms / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs: total, rows: rows.slice(0, top) };
}

/** Sampled time (self time summed over the subtree) under nodes whose label matches `pattern`. */
export function inclusiveTime(profile, pattern) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const { perNode, total } = selfTimes(profile);
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  let ms = 0;
  for (const [id, nodeMs] of perNode) {
    // Count each sample once: walk up until a matching ancestor (or the root).
    for (let current = id; current !== undefined; current = parentOf.get(current)) {
      if (pattern.test(labelOf(byId.get(current)))) {
        ms += nodeMs;
        break;
      }
    }
  }
  return { ms, share: total > 0 ? ms / total : 0 };
}

function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const perNode = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let index = 0; index < profile.samples.length; index++) {
    const id = profile.samples[index];
    perNode.set(id, (perNode.get(id) ?? 0) + (deltas[index] ?? 0) / 1000);
  }
  const self = new Map();
  let total = 0;
  for (const [id, ms] of perNode) {
    const label = labelOf(byId.get(id));
    self.set(label, (self.get(label) ?? 0) + ms);
    total += ms;
  }
  return { self, perNode, total };
}

export function labelOf(node) {
  const frame = node.callFrame;
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const file = frame.url.replace(/^file:\/\//, '');
  const shown = file.includes('/node_modules/')
    ? file.slice(file.lastIndexOf('/node_modules/') + 14)
    : relative(process.cwd(), file);
  return `${name} ${shown}:${frame.lineNumber + 1}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top = '15', ...patterns] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node scripts/bench-throughput-profile.js FILE.cpuprofile [TOP] [PATTERN…]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const { totalMs, rows } = topSelfTime(profile, Number(top));
  console.log(`sampled ${(totalMs / 1000).toFixed(1)} s`);
  console.log('| self % | self ms | function |');
  console.log('|---|---|---|');
  for (const row of rows)
    console.log(`| ${(row.share * 100).toFixed(1)} | ${row.ms.toFixed(0)} | ${row.where} |`);
  for (const pattern of patterns) {
    const { ms, share } = inclusiveTime(profile, new RegExp(pattern));
    console.log(`under /${pattern}/: ${(share * 100).toFixed(1)} % (${ms.toFixed(0)} ms)`);
  }
}
