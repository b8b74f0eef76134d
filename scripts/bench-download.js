// B8 `npm run bench:download`: the media cache against `curl -o`, downloading the same file from
// the same local HTTP server, interleaved (cache, curl, cache, curl, …), median of the rounds.
// For context it also times `curl -o` followed by `sha256sum`, i.e. curl with the same check.
// Scenarios: a clean download, and one cut by the server at 30 % and 70 % (each resumed: the
// cache by itself, curl with `-C -`). Reports throughput ÷ curl and bytes fetched twice.
// Loopback only; the server runs in a child process so it does not share the cache's event loop.
//   node scripts/bench-download.js [--large] [--rounds N]     (--large adds a 1 GB file)
import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MB = 1024 * 1024;
const CUTS = [0.3, 0.7];
/** Every run stops by itself: a download that takes longer is a failed benchmark, not a hang. */
const RUN_TIMEOUT_MS = 10 * 60_000;
const root = resolve(import.meta.dirname, '..');

if (process.argv[2] === '--serve') {
  serve(process.argv[3]);
} else {
  await main();
}

// ---------- the file server (child process) ----------

/** Range + If-Range on a strong ETag; `?cut=1` cuts each response at the next cut point past its start. */
function serve(dir) {
  let bytesSent = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/stats') return res.end(JSON.stringify({ bytesSent }));
    const path = join(dir, url.pathname.slice(1).replace(/[^\w.-]/g, ''));
    if (!existsSync(path)) return res.writeHead(404).end();
    const { size, mtimeMs } = statSync(path);
    const etag = `"${size}-${Math.floor(mtimeMs)}"`;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const start = match && (ifRange === undefined || ifRange === etag) ? Number(match[1]) : 0;
    if (start >= size && size > 0) return res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    const cutAt = url.searchParams.has('cut')
      ? CUTS.map((f) => Math.floor(f * size)).find((c) => c > start)
      : undefined;
    const headers = { etag, 'accept-ranges': 'bytes', 'content-length': String(size - start) };
    if (start > 0) headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    const end = (cutAt ?? size) - 1;
    const stream = createReadStream(path, { start, end, highWaterMark: 256 * 1024 });
    stream.on('data', (chunk) => (bytesSent += chunk.length));
    // Ending the socket (not destroying it) delivers every byte counted before the cut.
    stream.on('end', () => (cutAt === undefined ? undefined : res.socket?.end()));
    stream.pipe(res, { end: cutAt === undefined });
    res.on('close', () => stream.destroy());
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  process.on('disconnect', () => process.exit(0));
}

// ---------- the benchmark (parent) ----------

async function main() {
  const args = process.argv.slice(2);
  const rounds = Math.max(5, Number(args[args.indexOf('--rounds') + 1]) || 5);
  const sizes = [100 * MB, ...(args.includes('--large') ? [1024 * MB] : [])];
  const built = join(root, 'device/dist/media/media-cache.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run "npx tsc -b device" first`);
  const { createMediaCache } = await import(pathToFileURL(built).href);
  const { pino } = await import('pino');
  const work = await mkdtemp(join(tmpdir(), 'gatecast-bench-download-'));
  const server = await startServer(work);
  try {
    printMachine(rounds);
    const startLoad = loadavg();
    const results = [];
    for (const size of sizes) {
      const file = await writeRandomFile(join(work, `media-${size / MB}m.bin`), size);
      for (const cut of [false, true]) {
        const context = { work, server, file, cut, createMediaCache, log: pino({ level: 'silent' }) };
        results.push(await scenario(context, rounds));
      }
      await rm(file.path);
    }
    printResults(results);
    // The machine may be shared: the load says how much the figures can be trusted.
    console.log(`load average at start ${loadAverage(startLoad)}, at end ${loadAverage(loadavg())}`);
  } finally {
    server.child.kill();
    await rm(work, { recursive: true, force: true });
  }
}

/** Interleaved: cache, curl -o, curl -o + sha256sum, cache, … so drift in the machine hits all alike. */
async function scenario(context, rounds) {
  const cache = [];
  const curl = [];
  const curlVerified = [];
  for (let round = 0; round < rounds; round++) {
    cache.push(await measure(context, runCache));
    curl.push(await measure(context, runCurl));
    curlVerified.push(await measure({ ...context, verify: true }, runCurl));
    const last = (runs) => `${runs[runs.length - 1].seconds.toFixed(2)} s`;
    console.error(
      `  ${label(context)} round ${round + 1}/${rounds}: cache ${last(cache)}, curl ${last(curl)}, ` +
        `curl + sha256sum ${last(curlVerified)}`,
    );
  }
  return { label: label(context), size: context.file.size, cache, curl, curlVerified };
}

async function measure(context, run) {
  const before = await serverBytes(context.server);
  const started = process.hrtime.bigint();
  await run(context);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = (await serverBytes(context.server)) - before;
  return { seconds, refetched: Math.max(0, bytes - context.file.size) };
}

async function runCache({ work, server, file, cut, createMediaCache, log }) {
  const dir = join(work, 'cache');
  const cache = createMediaCache({ dir, quotaBytes: 4 * file.size, log, maxConcurrent: 1 });
  await cache.start();
  const timer = setTimeout(() => void cache.stop(), RUN_TIMEOUT_MS);
  try {
    const url = `${server.url}/${file.name}${cut ? '?cut=1' : ''}`;
    const status = await cache.sync([{ sha256: file.sha256, url, sizeBytes: file.size }]);
    if (!status.ready) throw new Error(`cache download failed: ${JSON.stringify(status.failed)}`);
  } finally {
    clearTimeout(timer);
    await cache.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCurl({ work, server, file, cut, verify }) {
  const out = join(work, 'curl.out');
  const url = `${server.url}/${file.name}${cut ? '?cut=1' : ''}`;
  try {
    // A cut ends curl with an error; it resumes from the file's length, as an operator would.
    for (let attempt = 0; ; attempt++) {
      const resume = attempt > 0 ? ['-C', '-'] : [];
      const code = await exec('curl', [
        '-sS',
        '--max-time',
        String(RUN_TIMEOUT_MS / 1000),
        ...resume,
        '-o',
        out,
        url,
      ]);
      if (code === 0) break;
      if (attempt >= CUTS.length) throw new Error(`curl failed with exit code ${code}`);
    }
    if (statSync(out).size !== file.size) throw new Error('curl downloaded the wrong size');
    if (verify && !tryRun('sha256sum', [out]).startsWith(file.sha256)) throw new Error('curl: wrong sha256');
  } finally {
    await rm(out, { force: true });
  }
}

function exec(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise(code));
  });
}

async function startServer(dir) {
  const child = spawn(process.execPath, [import.meta.filename, '--serve', dir], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const line = await new Promise((resolvePromise, reject) => {
    child.once('exit', () => reject(new Error('the file server exited')));
    child.stdout.once('data', (chunk) => resolvePromise(String(chunk)));
  });
  return { child, url: `http://127.0.0.1:${JSON.parse(line).port}` };
}

async function serverBytes(server) {
  const response = await fetch(`${server.url}/stats`);
  return (await response.json()).bytesSent;
}

/** Random bytes (incompressible), written in 8 MB blocks and hashed on the way. */
async function writeRandomFile(path, size) {
  const hash = createHash('sha256');
  const handle = await open(path, 'w');
  try {
    for (let done = 0; done < size;) {
      const block = randomBytes(Math.min(8 * MB, size - done));
      hash.update(block);
      await handle.write(block);
      done += block.length;
    }
  } finally {
    await handle.close();
  }
  return { path, name: path.split('/').pop(), size, sha256: hash.digest('hex') };
}

function label({ file, cut }) {
  return `${file.size / MB} MB${cut ? ', cut at 30 % and 70 %' : ''}`;
}

function loadAverage(load) {
  return load.map((value) => value.toFixed(2)).join(' / ');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function printMachine(rounds) {
  const free = tryRun('free', ['-h']).split('\n')[1]?.trim() ?? `${Math.round(totalmem() / MB)} MB total`;
  const curlVersion = tryRun('curl', ['--version']).split('\n')[0];
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); ${free}`);
  console.log(
    `node ${process.version}; ${curlVersion}; ${rounds} rounds, interleaved cache/curl; temp dir ${tmpdir()}`,
  );
}

function tryRun(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8' });
  } catch {
    return '';
  }
}

function printResults(results) {
  console.log('');
  console.log(
    '| file | cache MB/s | curl -o MB/s | cache ÷ curl -o | curl -o + sha256sum MB/s | cache ÷ (curl + sha256sum) ' +
      '| fetched twice, cache (max) | fetched twice, curl (max) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const result of results) {
    const mbps = (runs) => result.size / MB / median(runs.map((run) => run.seconds));
    const twice = (runs) =>
      `${((100 * Math.max(...runs.map((run) => run.refetched))) / result.size).toFixed(2)} %`;
    const cells = [
      result.label,
      mbps(result.cache).toFixed(0),
      mbps(result.curl).toFixed(0),
      `${(mbps(result.cache) / mbps(result.curl)).toFixed(2)} ×`,
      mbps(result.curlVerified).toFixed(0),
      `${(mbps(result.cache) / mbps(result.curlVerified)).toFixed(2)} ×`,
      twice(result.cache),
      twice([...result.curl, ...result.curlVerified]),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log('\nMB/s are medians over the rounds; MB = 2^20 bytes.');
}
