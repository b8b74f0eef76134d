// B7 soak `npm run bench:agent-soak`: is the agent's memory flat over time? The real agent (by its
// launcher, headless Chromium player, a 3-item loop switching every 5 s, telemetry every 5 s,
// proof-of-play events flowing) and a bare mqtt.js client with the same heartbeat run side by side
// against a real gatecast broker on 127.0.0.1. RSS of each process is sampled every 10 s; the
// report compares the first and the last tenth of the run and fits a line (MB per hour).
// Bounded: --minutes M (default 60) plus 5 minutes.
//   node scripts/bench-agent-soak.js [--minutes M]
import { setTimeout as sleep } from 'node:timers/promises';
import {
  agentConfigFile,
  argValue,
  fixed,
  median,
  printMachine,
  runBounded,
  sample,
  spawnAgent,
  spawnChild,
  startBroker,
  tempDir,
  waitForEvent,
} from './bench-support.js';

const minutes = Math.max(2, Number(argValue('--minutes', 60)));
const SAMPLE_MS = 10_000;

await runBounded(main, (minutes + 5) * 60_000);

async function main() {
  printMachine(`; soak ${minutes} min, RSS every ${SAMPLE_MS / 1000} s`);
  const { broker, events, url } = await startBroker();
  let plays = 0;
  events.on('events', (event) => (plays += event.kind === 'proof-of-play' ? 1 : 0));

  const agentId = 'soak-agent';
  const player = { mode: 'chromium', headless: true, windowWidth: 640, windowHeight: 360 };
  const agentConfig = agentConfigFile(await tempDir('soak-agent'), {
    deviceId: agentId,
    mqttUrl: url,
    player,
    healthIntervalSec: 5,
  });
  const playing = waitForEvent(
    events,
    'reported',
    (r, id) => id === agentId && r.phase === 'playing',
    60_000,
  );
  const agent = spawnAgent(agentConfig);
  await broker.publishToDevice(agentId, 'desired', desired(agentId));
  await playing;

  const bareConfig = agentConfigFile(await tempDir('soak-bare'), {
    deviceId: 'soak-bare',
    mqttUrl: url,
    healthIntervalSec: 5,
  });
  const bareConnected = waitForEvent(events, 'connected', (id) => id === 'soak-bare', 30_000);
  const bare = spawnChild(process.execPath, [
    new URL('./bench-agent.js', import.meta.url).pathname,
    '--bare',
    bareConfig,
  ]);
  await bareConnected;
  await sleep(5000);

  const series = { agent: [], bare: [] };
  const started = Date.now();
  const first = { agent: sample(agent.pid), bare: sample(bare.pid) };
  while (Date.now() - started < minutes * 60_000) {
    for (const [who, child] of [
      ['agent', agent],
      ['bare', bare],
    ]) {
      if (child.exitCode !== null) throw new Error(`${who} exited during the soak: ${child.stderrTail()}`);
      series[who].push({ minute: (Date.now() - started) / 60_000, mb: sample(child.pid).rssKb / 1024 });
    }
    const last = series.agent.at(-1);
    if (series.agent.length % 30 === 0)
      console.log(`${fixed(last.minute, 0)} min: agent RSS ${fixed(last.mb)} MB, ${plays} plays stored`);
    await sleep(SAMPLE_MS);
  }
  const cpu = (who, child) =>
    (sample(child.pid).ticks - first[who].ticks) / 100 / ((Date.now() - started) / 1000);
  report(series, { agent: cpu('agent', agent), bare: cpu('bare', bare) }, plays);
}

function desired(deviceId) {
  const text = (id, vi, en) => ({ kind: 'text', id, body: { vi, en }, durationSec: 5 });
  return {
    version: 1,
    deviceId,
    issuedAt: new Date().toISOString(),
    device: { name: 'Soak screen', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'] },
    content: {
      defaultItem: text('welcome', 'Xin chào', 'Welcome'),
      defaultLoop: [
        text('one', 'Chào mừng đến Hải Phòng', 'Welcome to Hai Phong'),
        text('two', 'Xuất nhập cảnh', 'Immigration'),
        text('three', 'Hải quan', 'Customs'),
      ],
    },
  };
}

/** First vs last tenth (medians) and a least-squares slope, per process. */
function report(series, cpuShare, plays) {
  console.log(`\nproof-of-play events stored: ${plays}`);
  console.log(
    '\n| process | RSS first 10 % (MB) | RSS last 10 % (MB) | max (MB) | slope (MB/h) | CPU (% of a core) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const who of ['agent', 'bare']) {
    const points = series[who];
    const tenth = Math.max(1, Math.floor(points.length / 10));
    const head = median(points.slice(0, tenth).map((p) => p.mb));
    const tail = median(points.slice(-tenth).map((p) => p.mb));
    const max = Math.max(...points.map((p) => p.mb));
    console.log(
      `| ${who} | ${fixed(head)} | ${fixed(tail)} | ${fixed(max)} | ${fixed(slope(points) * 60, 2)} | ${fixed(cpuShare[who] * 100, 2)} |`,
    );
  }
}

function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.minute, 0) / n;
  const my = points.reduce((s, p) => s + p.mb, 0) / n;
  const num = points.reduce((s, p) => s + (p.minute - mx) * (p.mb - my), 0);
  const den = points.reduce((s, p) => s + (p.minute - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
