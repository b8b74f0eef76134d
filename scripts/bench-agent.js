// B7 `npm run bench:agent`: the screen agent's footprint against a bare mqtt.js client doing the
// same heartbeat, interleaved (agent, bare, agent, bare, …), median of the rounds.
//   idle: the real agent (player mode none, started by its launcher as systemd does, and for
//         comparison dist/main.js on plain Node without the launcher's V8 flags) connected to a
//         real gatecast broker, telemetry every 5 s; the bare client connects with the same
//         options, subscribes to the same topics and publishes a telemetry sample every 5 s. RSS (peak) and CPU over the window.
//   sync: the agent (headless Chromium player, agent process only) syncing a 100 MB media file
//         from a local HTTP server; the bare client downloading, hashing and fsyncing the same file.
// Loopback only; bounded to 20 minutes.
//   node scripts/bench-agent.js [--rounds N] [--seconds S] [--size-mb M]
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, statfs, writeFile } from 'node:fs/promises';
import { createServer, get as httpGet } from 'node:http';
import { freemem, loadavg, totalmem, uptime } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  agentConfigFile,
  argValue,
  fixed,
  measure,
  median,
  onCleanup,
  printMachine,
  runBounded,
  lines,
  spawnAgent,
  spawnChild,
  startBroker,
  tempDir,
  waitForEvent,
  watchPeak,
} from './bench-support.js';

const HEARTBEAT_SEC = 5;
const MB = 1024 * 1024;

if (process.argv[2] === '--bare') await bare(process.argv[3], process.argv[4]);
else await runBounded(main, 20 * 60_000);

// ---------- the bare client (child process) ----------

/** mqtt.js alone, as the agent uses it: same connect options, topics and heartbeat. */
async function bare(configFile, download) {
  const { default: mqtt } = await import('mqtt');
  const config = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(configFile, 'utf8')));
  const topic = (kind) => `gatecast/v1/devices/${config.deviceId}/${kind}`;
  const client = mqtt.connect(config.mqtt.url, {
    clientId: config.deviceId,
    username: config.deviceId,
    password: config.secret,
    protocolVersion: 4,
    keepalive: 30,
    clean: false,
    will: { topic: topic('status'), payload: JSON.stringify({ state: 'offline' }), qos: 1, retain: true },
  });
  client.on('connect', () => {
    client.subscribe([topic('desired'), topic('cmd/req')], { qos: 1 });
    client.publish(topic('status'), JSON.stringify({ state: 'online', at: new Date().toISOString() }), {
      qos: 1,
      retain: true,
    });
  });
  const started = Date.now();
  setInterval(async () => {
    const disk = await statfs(config.dataDir).catch(() => null);
    const telemetry = {
      at: new Date().toISOString(),
      uptimeSec: uptime(),
      cpu: { loadPercent: Math.min(100, loadavg()[0] * 50), temperatureC: null },
      memory: { totalBytes: totalmem(), usedBytes: totalmem() - freemem() },
      disk: disk
        ? { totalBytes: disk.blocks * disk.bsize, usedBytes: (disk.blocks - disk.bfree) * disk.bsize }
        : null,
      agent: {
        version: '0.1.0',
        rssBytes: process.memoryUsage.rss(),
        uptimeSec: (Date.now() - started) / 1000,
      },
    };
    client.publish(topic('telemetry'), JSON.stringify(telemetry), { qos: 0 });
  }, HEARTBEAT_SEC * 1000);
  if (download) {
    const [url, sha256, dir] = download.split(' ');
    await sleep(3000);
    console.log('download-start');
    const ok = await downloadVerified(url, sha256, dir);
    console.log(ok ? 'download-done' : 'download-failed');
  }
}

/** What any client must do to use a file safely: stream it to disk, hash it, fsync, rename. */
function downloadVerified(url, sha256, dir) {
  return new Promise((resolveDownload) => {
    httpGet(url, (response) => {
      const hash = createHash('sha256');
      const partial = join(dir, 'bare.partial');
      const out = createWriteStream(partial);
      response.on('data', (chunk) => hash.update(chunk));
      response.pipe(out);
      out.on('finish', async () => {
        const handle = await open(partial, 'r+');
        await handle.sync();
        await handle.close();
        await rename(partial, join(dir, sha256));
        resolveDownload(hash.digest('hex') === sha256);
      });
    }).on('error', () => resolveDownload(false));
  });
}

// ---------- the benchmark (parent) ----------

async function main() {
  const rounds = Math.max(5, Number(argValue('--rounds', 5)));
  const seconds = Math.max(10, Number(argValue('--seconds', 20)));
  const sizeMb = Math.max(10, Number(argValue('--size-mb', 100)));
  printMachine(`; ${rounds} rounds, ${seconds} s windows, heartbeat ${HEARTBEAT_SEC} s, ${sizeMb} MB sync`);
  const { broker, events, url } = await startBroker();
  const idle = { agent: [], plain: [], bare: [] };
  for (let round = 1; round <= rounds; round++) {
    idle.agent.push(await idleRound('agent', round, url, events, seconds));
    idle.plain.push(await idleRound('plain', round, url, events, seconds));
    idle.bare.push(await idleRound('bare', round, url, events, seconds));
    console.log(
      `idle round ${round}: agent ${line(idle.agent.at(-1))} | agent, plain node ${line(idle.plain.at(-1))}` +
        ` | bare ${line(idle.bare.at(-1))}`,
    );
  }
  const media = await startMediaServer(sizeMb * MB);
  const sync = { agent: [], bare: [] };
  for (let round = 1; round <= rounds; round++) {
    sync.agent.push(await agentSyncRound(round, url, events, broker, media));
    sync.bare.push(await bareSyncRound(round, url, events, media));
    console.log(
      `sync round ${round}: agent ${syncLine(sync.agent.at(-1))} | bare ${syncLine(sync.bare.at(-1))}`,
    );
  }
  report(idle, sync);
}

function line(m) {
  return `RSS ${fixed(m.rssMb)} MB, CPU ${fixed(m.cpuPercent, 2)} %`;
}
function syncLine(m) {
  return `${fixed(m.seconds, 2)} s, peak RSS ${fixed(m.rssMb)} MB, CPU ${fixed(m.cpuSec, 2)} s`;
}

async function idleRound(who, round, url, events, seconds) {
  const deviceId = `bench-${who}-idle-${round}`;
  const dir = await tempDir(`agent-${who}`);
  const config = agentConfigFile(dir, { deviceId, mqttUrl: url, healthIntervalSec: HEARTBEAT_SEC });
  const connected = waitForEvent(events, 'connected', (id) => id === deviceId, 30_000);
  const child = who === 'bare' ? spawnBare(config) : spawnAgent(config, { launcher: who === 'agent' });
  await connected;
  await sleep(3000); // past start-up: first samples, first reports
  const result = await measure(child.pid, seconds);
  await stopOrFail(child, who);
  return result;
}

function spawnBare(config, download) {
  const args = [import.meta.filename, '--bare', config, ...(download ? [download] : [])];
  return spawnChild(process.execPath, args);
}

async function stopOrFail(child, who) {
  if (child.exitCode !== null) throw new Error(`${who} exited early: ${child.stderrTail()}`);
  child.kill('SIGTERM');
  await child.exited;
}

/** The agent's sync: from the desired publish to the reported cache being ready, agent process only. */
async function agentSyncRound(round, url, events, broker, media) {
  const deviceId = `bench-agent-sync-${round}`;
  const dir = await tempDir('agent-sync');
  const player = {
    mode: 'chromium',
    headless: true,
    windowWidth: 640,
    windowHeight: 360,
    cacheQuotaMb: 1024,
  };
  const config = agentConfigFile(dir, { deviceId, mqttUrl: url, player, healthIntervalSec: 60 });
  const playing = waitForEvent(
    events,
    'reported',
    (r, id) => id === deviceId && r.phase === 'playing',
    60_000,
  );
  const child = spawnAgent(config);
  await broker.publishToDevice(deviceId, 'desired', desired(deviceId, 1, []));
  await playing;
  await sleep(2000);
  const ready = waitForEvent(
    events,
    'reported',
    // By bytes, not version: the reported cache status may still be the previous document's for a moment.
    (r, id) => id === deviceId && r.cache?.ready && r.cache.bytes >= media.size,
    120_000,
  );
  const item = {
    kind: 'video',
    id: 'bench-video',
    url: media.url,
    sha256: media.sha256,
    sizeBytes: media.size,
  };
  const watch = watchPeak(child.pid);
  const started = performance.now();
  await broker.publishToDevice(deviceId, 'desired', desired(deviceId, 2, [item]));
  await ready;
  const result = { seconds: (performance.now() - started) / 1000, ...watch.stop() };
  await stopOrFail(child, 'agent');
  return result;
}

async function bareSyncRound(round, url, events, media) {
  const deviceId = `bench-bare-sync-${round}`;
  const dir = await tempDir('bare-sync');
  const config = agentConfigFile(dir, { deviceId, mqttUrl: url, healthIntervalSec: HEARTBEAT_SEC });
  const child = spawnBare(config, `${media.url} ${media.sha256} ${dir}`);
  const output = lines(child);
  await output.next('download-start');
  const watch = watchPeak(child.pid);
  const started = performance.now();
  const done = await output.next('download-done', 'download-failed');
  if (done !== 'download-done') throw new Error('the bare client failed its download');
  const result = { seconds: (performance.now() - started) / 1000, ...watch.stop() };
  await stopOrFail(child, 'bare');
  return result;
}

function desired(deviceId, version, loop) {
  return {
    version,
    deviceId,
    issuedAt: new Date().toISOString(),
    device: { name: 'Bench screen', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
    content: {
      defaultItem: { kind: 'text', id: 'welcome', body: { vi: 'Xin chào', en: 'Welcome' } },
      defaultLoop: loop,
    },
  };
}

/** Random bytes on a local server (Range + strong ETag), in this process: it is not measured. */
async function startMediaServer(size) {
  const dir = await tempDir('agent-media');
  const file = join(dir, 'media.bin');
  const data = randomBytes(size);
  await writeFile(file, data);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const etag = `"${sha256}"`;
  const server = createServer((req, res) => {
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match && (req.headers['if-range'] ?? etag) === etag ? Number(match[1]) : 0;
    const headers = { etag, 'accept-ranges': 'bytes', 'content-length': String(size - start) };
    if (start > 0) headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    createReadStream(file, { start }).pipe(res);
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  onCleanup(() => new Promise((resolveClose) => server.close(resolveClose)));
  onCleanup(() => server.closeAllConnections());
  return { url: `http://127.0.0.1:${server.address().port}/media.bin`, sha256, size };
}

function report(idle, sync) {
  const med = (list, key) => median(list.map((m) => m[key]));
  const rows = [
    ['idle, RSS peak (MB)', med(idle.agent, 'rssMb'), med(idle.bare, 'rssMb')],
    ['idle, CPU (% of one core)', med(idle.agent, 'cpuPercent'), med(idle.bare, 'cpuPercent')],
    ['sync, RSS peak (MB)', med(sync.agent, 'rssMb'), med(sync.bare, 'rssMb')],
    ['sync, CPU (s per file)', med(sync.agent, 'cpuSec'), med(sync.bare, 'cpuSec')],
    ['sync, duration (s)', med(sync.agent, 'seconds'), med(sync.bare, 'seconds')],
  ];
  console.log(
    '\n| measure (median) | agent | bare mqtt.js client | agent ÷ bare |\n| --- | --- | --- | --- |',
  );
  for (const [name, agent, bareValue] of rows) {
    console.log(
      `| ${name} | ${fixed(agent, 2)} | ${fixed(bareValue, 2)} | ${fixed(agent / bareValue, 2)} × |`,
    );
  }
  // What the launcher's V8 flags change: the same agent on plain Node.
  const plainRss = med(idle.plain, 'rssMb');
  const plainCpu = med(idle.plain, 'cpuPercent');
  console.log(
    `\nidle, agent on plain node (no launcher flags): RSS ${fixed(plainRss, 2)} MB, CPU ${fixed(plainCpu, 2)} %`,
  );
}
