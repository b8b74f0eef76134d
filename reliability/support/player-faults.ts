import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodePng } from '../../device/src/display-check/frame.js';
import { isBlack } from '../../device/src/display-check/frame-detectors.js';
import { mainItem, type Harness } from '../../device/test/integration/player/player-harness.js';

/**
 * What the watchdog and soak rows share: whether content is really on screen (the page names its
 * item and a capture is not black), and how much memory a process tree holds, read from /proc.
 */

export {
  chromiumMissing,
  document,
  mainItem,
  playerConfig,
  startHarness,
  waitFor,
  type Harness,
} from '../../device/test/integration/player/player-harness.js';

/** Whether a PNG of the screen shows something: the display check's own black-frame rule. */
export function pngShowsContent(png: Buffer): boolean {
  return !isBlack(decodePng(png));
}

/** Content on screen: the page names `itemId` (any item when omitted) and its capture is not black. */
export async function contentOnScreen(h: Harness, itemId?: string): Promise<boolean> {
  const shown = await mainItem(h);
  if (shown === null || (itemId !== undefined && shown !== itemId)) return false;
  const png = await h.screen.captureLowRes().catch(() => null);
  return png !== null && pngShowsContent(png);
}

/**
 * Polls until `ready` holds or `timeoutMs` passes; the elapsed ms, or null on a timeout. A probe
 * of a hung page never answers, so each one counts as false after a few seconds.
 */
export async function timeUntil(
  ready: () => Promise<boolean>,
  timeoutMs: number,
  started = Date.now(),
  pollMs = 100,
): Promise<number | null> {
  const deadline = started + timeoutMs;
  for (;;) {
    if (await within(ready(), 3_000, false)) return Date.now() - started;
    if (Date.now() > deadline) return null;
    await sleep(pollMs);
  }
}

/** The promise's value, or `fallback` when it rejects or takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The pid and every descendant of it (Chromium's zygotes, renderers, GPU and utility processes). */
export async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : Number.NaN;
    if (Number.isInteger(ppid)) parents.set(Number(name), ppid);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, ppid] of parents) if (ppid === tree[index]) tree.push(pid);
  }
  return tree.filter((pid) => parents.has(pid));
}

/**
 * Resident memory of the processes that is theirs, in bytes: anonymous and shared-memory pages,
 * each process counting its proportional share, so Chromium's processes do not count the same
 * pages over and over. File pages (the Chromium binary, fonts) are left out: a leak never grows
 * them, and their share moves whenever any other process on the machine maps the same files.
 * Kernels without Pss_Anon give Pss, and without smaps_rollup plain VmRSS.
 */
export async function residentBytes(pids: readonly number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => null);
    const field = (name: string): number | null => {
      const match = rollup?.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
      return match ? Number(match[1]) * 1024 : null;
    };
    const anon = field('Pss_Anon');
    if (anon !== null) {
      total += anon + (field('Pss_Shmem') ?? 0);
      continue;
    }
    const pss = field('Pss');
    if (pss !== null) {
      total += pss;
      continue;
    }
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    total += Number(status.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? 0) * 1024;
  }
  return total;
}

/** Resident memory of a process and all its descendants. */
export async function treeResidentBytes(root: number | null): Promise<number> {
  return root === null ? 0 : residentBytes(await processTree(root));
}

/**
 * Least-squares line through the points: its slope, and the slope's standard error, which says
 * how much of the trend a short, noisy series can tell apart from no trend at all.
 */
export function linearFit(points: ReadonlyArray<{ x: number; y: number }>): {
  slope: number;
  standardError: number;
} {
  const n = points.length;
  if (n < 3) return { slope: Number.NaN, standardError: Number.NaN };
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY);
    sxx += (p.x - meanX) ** 2;
  }
  if (sxx === 0) return { slope: Number.NaN, standardError: Number.NaN };
  const slope = sxy / sxx;
  const residuals = points.reduce((sum, p) => sum + (p.y - meanY - slope * (p.x - meanX)) ** 2, 0);
  return { slope, standardError: Math.sqrt(residuals / (n - 2) / sxx) };
}

export const MB = 1024 * 1024;

export interface FleetHttp {
  url: string;
  /** Every screenshot the device uploaded, in order. */
  screenshots: Buffer[];
  close(): Promise<void>;
}

/**
 * The fleet's HTTP side, as much as a playing device uses: media files to download, and the
 * screenshot upload the `screenshot` command answers with.
 */
export async function startFleetHttp(media: Record<string, Buffer>): Promise<FleetHttp> {
  const screenshots: Buffer[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method === 'POST' && path === '/api/v1/device/screenshots') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const png = Buffer.concat(chunks);
        screenshots.push(png);
        const receipt = { screenshotId: `shot-${screenshots.length}`, bytes: png.length };
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(receipt));
      });
      return;
    }
    const body = media[path.replace(/^\/media\//, '')];
    if (request.method !== 'GET' || !body) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    screenshots,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
