import type { HostFiles } from './host-files.js';

/** The parent pid from `/proc/<pid>/stat`; the name in parentheses may itself hold spaces and ')'. */
export function parseParentPid(stat: string): number | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) && ppid >= 0 ? ppid : null;
}

/** `Pss:` from smaps_rollup, or `VmRSS:` from status, in kB, as bytes. */
export function parseKbField(text: string | null, field: 'Pss' | 'VmRSS'): number | null {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text ?? '');
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
}

/** The pid and every descendant, from a map of each pid's parent. */
export function descendantsOf(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, parent] of parents) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (tree.includes(pid)) continue;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * The memory of a process and all its children (Chromium's browser, GPU, renderer and utility
 * processes). Their proportional shares (Pss) add up without counting shared pages once per
 * process, so Pss is summed when every process's smaps_rollup is readable; where one is not (a
 * sandboxed renderer of another user), VmRSS is summed for all, so one sample never mixes the two.
 * Null when the root process is gone.
 */
export async function processTreeBytes(proc: HostFiles, rootPid: number): Promise<number | null> {
  const parents = new Map<number, number>();
  for (const entry of (await proc.list('.')) ?? []) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await proc.read(`${entry}/stat`);
    const parent = stat === null ? null : parseParentPid(stat);
    if (parent !== null) parents.set(Number(entry), parent);
  }
  if (!parents.has(rootPid)) return null;
  const tree = descendantsOf(rootPid, parents);
  const pss = await Promise.all(
    tree.map(async (pid) => parseKbField(await proc.read(`${pid}/smaps_rollup`), 'Pss')),
  );
  if (pss.every((bytes) => bytes !== null)) return sum(pss);
  const rss = await Promise.all(
    tree.map(async (pid) => parseKbField(await proc.read(`${pid}/status`), 'VmRSS')),
  );
  return sum(rss);
}

function sum(values: ReadonlyArray<number | null>): number {
  return values.reduce<number>((total, value) => total + (value ?? 0), 0);
}
