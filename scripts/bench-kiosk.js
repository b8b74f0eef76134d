// B10 `npm run bench:kiosk`: what the agent adds to Chromium. The same player page (device/player-ui),
// the same picture and the same Chromium command line (puppeteer's defaults + the agent's kiosk
// flags, headless 1280×720), run two ways, interleaved, median of the rounds:
//   bare:  Chromium opened directly on the page, served by a plain local server (no agent, no CDP);
//   agent: the real agent (player mode chromium) launching and driving Chromium over a CDP pipe.
// Measured: start → first content (process spawn until the page reports the picture presented;
// for the agent the report also travels page → agent → MQTT → this process), then, 5 s later, idle
// CPU and memory of the whole process tree (Chromium's processes, plus the agent for "agent") over
// 20 s. Memory is PSS (shared pages split among processes), the honest sum for a tree.
// Both keep their profile between rounds (a screen restarts with its profile); one warm-up run
// each is not counted. Loopback only; bounded to 20 minutes.
// The agent starts through its launcher (device/bin, with its V8 flags) as systemd starts it;
// --plain-node runs device/dist/main.js on plain Node instead, to see what the flags change.
//   node scripts/bench-kiosk.js [--rounds N] [--seconds S] [--plain-node]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  agentConfigFile,
  argValue,
  fixed,
  importBuilt,
  measure,
  median,
  onCleanup,
  printMachine,
  root,
  runBounded,
  spawnAgent,
  spawnChild,
  startBroker,
  stopChild,
  tempDir,
  waitForEvent,
} from './bench-support.js';

const DEVICE_ID = 'bench-kiosk-01';
const WIDTH = 1280;
const HEIGHT = 720;
const PICTURE = readFileSync(join(root, 'fleet/demo-media/hai-phong-port.png'));
const PICTURE_SHA = createHash('sha256').update(PICTURE).digest('hex');
const UI_DIR = join(root, 'device/player-ui');
const KIOSK_UI_DIR = join(root, 'device/kiosk-ui');
/** Bare Chromium has no agent to report to: this stands in for the exposed function, by fetch. */
const BARE_REPORT_SHIM =
  "window.gatecastReport = (event) => fetch('/report', { method: 'POST', body: JSON.stringify(event) });";

await runBounded(main, 20 * 60_000);

async function main() {
  const rounds = Math.max(5, Number(argValue('--rounds', 5)));
  const seconds = Math.max(10, Number(argValue('--seconds', 20)));
  const { findChromium } = await importBuilt('device/dist/player/chromium/find-chromium.js');
  const chromium = findChromium(undefined);
  const how = process.argv.includes('--plain-node') ? 'agent on plain node' : 'agent by its launcher';
  printMachine(
    `; ${rounds} rounds, ${seconds} s idle windows; ${chromium} headless ${WIDTH}×${HEIGHT}; ${how}`,
  );
  const bare = await bareSetup(chromium);
  const agent = await agentSetup({ launcher: !process.argv.includes('--plain-node') });
  await bare.run(null);
  await agent.run(null);
  const results = { bare: [], agent: [] };
  for (let round = 1; round <= rounds; round++) {
    results.bare.push(await bare.run(seconds));
    results.agent.push(await agent.run(seconds));
    const show = (m) =>
      `${fixed(m.firstContentMs, 0)} ms, CPU ${fixed(m.cpuPercent, 2)} %, PSS ${fixed(m.pssMb, 0)} MB`;
    console.log(`round ${round}: bare ${show(results.bare.at(-1))} | agent ${show(results.agent.at(-1))}`);
  }
  report(results);
}

/** The page, its plan, the picture and a /report endpoint, as plain HTTP on 127.0.0.1. */
async function bareSetup(chromium) {
  const puppeteer = (await import('puppeteer-core')).default;
  const { kioskFlags } = await importBuilt('device/dist/player/chromium/launch-flags.js');
  const reports = new (await import('node:events')).EventEmitter();
  const plan = {
    id: 'bench',
    version: 1,
    layout: { kind: 'full', orientation: 'landscape', transition: 'fade' },
    languages: ['vi', 'en'],
    rotationSec: 60,
    zones: [{ zone: 'main', layer: null, entryId: null, items: [pictureItem()] }],
  };
  const server = createServer((req, res) => serveBare(req, res, plan, reports));
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  onCleanup(() => new Promise((resolveClose) => server.close(resolveClose)));
  onCleanup(() => server.closeAllConnections());
  const pageUrl = `http://127.0.0.1:${server.address().port}/`;
  const userDataDir = join(await tempDir('kiosk-bare'), 'profile');
  const flags = kioskFlags({
    userDataDir,
    locale: 'vi',
    languages: ['vi', 'en'],
    windowWidth: WIDTH,
    windowHeight: HEIGHT,
    runningAsRoot: process.getuid?.() === 0,
  });
  // puppeteer's defaults, as the agent gets them (minus automation), without any debugging channel.
  const defaults = puppeteer
    .defaultArgs({ headless: true, userDataDir })
    .filter(
      (arg) => arg !== 'about:blank' && arg !== '--enable-automation' && !arg.startsWith('--user-data-dir'),
    );
  const args = [...defaults, ...flags, pageUrl];
  return {
    async run(seconds) {
      const started = performance.now();
      const shown = waitForEvent(
        reports,
        'start',
        (event) => event.zone === 'main' && event.itemId === 'bench-picture',
        60_000,
      );
      const child = spawnChild(chromium, args);
      await shown;
      const firstContentMs = performance.now() - started;
      const idle = seconds === null ? null : await settleAndMeasure(child.pid, seconds);
      await stopChild(child);
      return { firstContentMs, ...idle };
    },
  };
}

function serveBare(req, res, plan, reports) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/report') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const event = JSON.parse(body || '{}');
      reports.emit(event.type, event);
      res.writeHead(204).end();
    });
    return;
  }
  if (path === '/' || path === '/index.html') {
    const html = readFileSync(join(UI_DIR, 'index.html'), 'utf8').replace(
      '<script type="module"',
      '<script src="/ui/bench-report.js"></script>\n    <script type="module"',
    );
    return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  }
  if (path === '/ui/bench-report.js')
    return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(BARE_REPORT_SHIM);
  if (path === '/plan')
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(plan));
  if (path === `/media/${PICTURE_SHA}`)
    return void res.writeHead(200, { 'content-type': 'image/png' }).end(PICTURE);
  const ui = /^\/ui\/([a-z0-9-]+\.(js|css))$/.exec(path);
  if (ui) {
    const type = ui[2] === 'js' ? 'text/javascript' : 'text/css';
    return void res.writeHead(200, { 'content-type': type }).end(readFileSync(join(UI_DIR, ui[1])));
  }
  // The page loads the lookup kiosk's script and style too (idle on a signage screen), as from the agent.
  const kiosk = /^\/kiosk\/([a-z0-9-]+\.(js|css))$/.exec(path);
  if (kiosk?.[1]) {
    const type = kiosk[2] === 'js' ? 'text/javascript' : 'text/css';
    return void res.writeHead(200, { 'content-type': type }).end(readFileSync(join(KIOSK_UI_DIR, kiosk[1])));
  }
  res.writeHead(404).end();
}

function pictureItem() {
  return { id: 'bench-picture', kind: 'image', durationMs: 3_600_000, src: `/media/${PICTURE_SHA}` };
}

/** A real broker holding the desired document (retained), and the picture on a local server. */
async function agentSetup({ launcher }) {
  const { broker, events, url } = await startBroker();
  const server = createServer((req, res) => {
    if (req.url !== '/picture.png') return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'image/png', 'content-length': String(PICTURE.length) })
      .end(PICTURE);
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  onCleanup(() => new Promise((resolveClose) => server.close(resolveClose)));
  onCleanup(() => server.closeAllConnections());
  const picture = {
    kind: 'image',
    id: 'bench-picture',
    url: `http://127.0.0.1:${server.address().port}/picture.png`,
    sha256: PICTURE_SHA,
    sizeBytes: PICTURE.length,
    durationSec: 3600,
  };
  await broker.publishToDevice(DEVICE_ID, 'desired', {
    version: 1,
    deviceId: DEVICE_ID,
    issuedAt: new Date().toISOString(),
    device: { name: 'Bench screen', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'], languageRotationSec: 60 },
    content: { defaultItem: picture },
  });
  const dir = await tempDir('kiosk-agent');
  const player = { mode: 'chromium', headless: true, windowWidth: WIDTH, windowHeight: HEIGHT };
  const config = agentConfigFile(dir, { deviceId: DEVICE_ID, mqttUrl: url, player });
  return {
    async run(seconds) {
      const started = performance.now();
      const shown = waitForEvent(
        events,
        'reported',
        (r) => r.zones?.main?.itemId === 'bench-picture',
        60_000,
      );
      const child = spawnAgent(config, { launcher });
      await shown;
      const firstContentMs = performance.now() - started;
      const idle = seconds === null ? null : await settleAndMeasure(child.pid, seconds);
      await stopChild(child);
      // The next round's first report must come from the next process.
      await sleep(500);
      return { firstContentMs, ...idle };
    },
  };
}

async function settleAndMeasure(pid, seconds) {
  await sleep(5000);
  return measure(pid, seconds, { tree: true });
}

function report(results) {
  const med = (list, key) => median(list.map((m) => m[key]));
  const rows = [
    ['start → first content (ms)', 'firstContentMs', 0],
    ['idle CPU (% of one core, whole tree)', 'cpuPercent', 2],
    ['memory, PSS of the tree (MB)', 'pssMb', 0],
    ['memory, RSS summed over the tree (MB)', 'rssMb', 0],
    ['processes', 'processes', 0],
  ];
  console.log(
    '\n| measure (median) | bare Chromium | driven by the agent | difference |\n| --- | --- | --- | --- |',
  );
  for (const [name, key, digits] of rows) {
    const bare = med(results.bare, key);
    const agent = med(results.agent, key);
    const ratio =
      key === 'processes' || key === 'cpuPercent' || key === 'firstContentMs'
        ? `${agent - bare >= 0 ? '+' : ''}${fixed(agent - bare, digits)}`
        : `${fixed(agent / bare, 2)} ×`;
    console.log(`| ${name} | ${fixed(bare, digits)} | ${fixed(agent, digits)} | ${ratio} |`);
  }
}
