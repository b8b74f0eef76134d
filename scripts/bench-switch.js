// B9 `npm run bench:switch`: content switch latency on a real agent driving headless Chromium.
// A new desired document is published on a real gatecast broker; the time counted runs until the
// agent reports the new item as playing in main (the page reports an item only once its first
// frame is presented, so this is publish → visible, plus the report's way back over MQTT).
// Interleaved: a new text item, a new image item whose file is already cached, and a new text
// item with the `cut` transition, … ; p50/p99 of each. The page reports an item once its fade-in
// (600 ms) has run, so with `fade` the new item starts to show 600 ms before the time counted. Loopback only; bounded to 15 minutes.
//   node scripts/bench-switch.js [--rounds N]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  agentConfigFile,
  argValue,
  fixed,
  median,
  onCleanup,
  percentile,
  printMachine,
  root,
  runBounded,
  spawnAgent,
  startBroker,
  tempDir,
  waitForEvent,
} from './bench-support.js';

const DEVICE_ID = 'bench-switch-01';
const IMAGES = ['cat-bi-airport.png', 'hoa-phuong.png'];

await runBounded(main, 15 * 60_000);

async function main() {
  const rounds = Math.max(5, Number(argValue('--rounds', 20)));
  printMachine(`; ${rounds} rounds per kind; Chromium headless 1280×720`);
  const { broker, events, url } = await startBroker();
  const images = await serveImages();
  const dir = await tempDir('switch');
  const player = { mode: 'chromium', headless: true, windowWidth: 1280, windowHeight: 720 };
  const config = agentConfigFile(dir, { deviceId: DEVICE_ID, mqttUrl: url, player });
  let version = 1;
  // Both images in the loop once, so they are cached before the rounds start.
  const bytes = images.reduce((sum, image) => sum + image.sizeBytes, 0);
  const cached = waitForEvent(events, 'reported', (r) => r.cache?.ready && r.cache.bytes >= bytes, 120_000);
  const agent = spawnAgent(config);
  await broker.publishToDevice(DEVICE_ID, 'desired', desired(version, text('warm-up'), images));
  await cached;
  await sleep(3000);
  const times = { text: [], image: [], 'text, cut': [] };
  for (let round = 1; round <= rounds; round++) {
    for (const kind of Object.keys(times)) {
      version++;
      const id = `${kind.replace(/\W+/g, '-')}-${round}`;
      const item = kind === 'image' ? { ...images[round % images.length], id, durationSec: 600 } : text(id);
      const visible = waitForEvent(events, 'reported', (r) => r.zones?.main?.itemId === id, 30_000);
      const started = performance.now();
      const transition = kind === 'text, cut' ? 'cut' : 'fade';
      await broker.publishToDevice(DEVICE_ID, 'desired', desired(version, item, [], transition));
      await visible;
      times[kind].push(performance.now() - started);
      // Let the transition settle, so each round starts from a screen at rest.
      await sleep(1500);
    }
    const last = Object.entries(times).map(([kind, list]) => `${kind} ${fixed(list.at(-1), 0)} ms`);
    console.log(`round ${round}: ${last.join(', ')}`);
  }
  if (agent.exitCode !== null) throw new Error(`the agent exited: ${agent.stderrTail()}`);
  console.log(
    '\n| switch to | rounds | p50 (ms) | p99 (ms) | min (ms) | max (ms) |\n| --- | --- | --- | --- | --- | --- |',
  );
  for (const [kind, list] of Object.entries(times)) {
    const row = [median(list), percentile(list, 99), Math.min(...list), Math.max(...list)].map((v) =>
      fixed(v, 0),
    );
    console.log(`| ${kind} | ${list.length} | ${row.join(' | ')} |`);
  }
}

function text(id) {
  return { kind: 'text', id, body: { vi: `Cửa ${id}`, en: `Gate ${id}` }, durationSec: 600 };
}

function desired(version, defaultItem, defaultLoop, transition = 'fade') {
  return {
    version,
    deviceId: DEVICE_ID,
    issuedAt: new Date().toISOString(),
    device: { name: 'Bench screen', gateId: 'cat-bi-airport', zoneId: 'arrivals-hall' },
    display: { timeZone: 'Asia/Ho_Chi_Minh', locale: 'vi', languages: ['vi', 'en'], languageRotationSec: 60 },
    content: {
      defaultItem,
      defaultLoop,
      layout: { kind: 'full', orientation: 'landscape', transition },
    },
  };
}

/** Two demo pictures on a local HTTP server, as image items. */
async function serveImages() {
  const files = Object.fromEntries(
    IMAGES.map((name) => [name, readFileSync(join(root, 'fleet/demo-media', name))]),
  );
  const server = createServer((req, res) => {
    const body = files[(req.url ?? '/').slice(1)];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(body.length) }).end(body);
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  onCleanup(() => new Promise((resolveClose) => server.close(resolveClose)));
  onCleanup(() => server.closeAllConnections());
  const base = `http://127.0.0.1:${server.address().port}`;
  return IMAGES.map((name) => ({
    kind: 'image',
    id: `loop-${name}`,
    url: `${base}/${name}`,
    sha256: createHash('sha256').update(files[name]).digest('hex'),
    sizeBytes: files[name].length,
    durationSec: 600,
  }));
}
