// `npm start`: a working demo installation on one machine. It runs the fleet manager, seeds the
// two Hai Phong gates, enrols two local screen agents and keeps them running until Ctrl-C.
// Everything lives in ./data (GATECAST_DATA_DIR) and persists between runs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeAgentConfigFile } from '@gatecast/provisioning';
import { DEMO_GATES, DEMO_SCREENS } from './demo-seed.js';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.GATECAST_DATA_DIR ?? join(root, 'data'));
const httpPort = Number(process.env.PORT ?? 8080);
const baseUrl = `http://127.0.0.1:${httpPort}`;
const logDir = join(dataDir, 'logs');
const children = [];
/** The demo content (welcome loop, sample information tree) is on unless GATECAST_DEMO_CONTENT=0. */
const demoContent = process.env.GATECAST_DEMO_CONTENT ?? '1';
/** What each child said on stderr, to repeat the first admin's one-time password at the end. */
const output = {};

function start(name, args, env = {}) {
  const log = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, GATECAST_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', log, 'pipe'],
  });
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    output[name] = (output[name] ?? '') + chunk;
  });
  child.on('exit', (code, signal) => {
    if (!stopping)
      console.error(`demo: ${name} exited (${signal ?? code}); see ${join(logDir, `${name}.log`)}`);
  });
  children.push(child);
  return child;
}

async function api(method, path, body) {
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function seedGates() {
  for (const gate of DEMO_GATES) {
    const created = await api('POST', '/api/v1/gates', { id: gate.id, name: gate.name });
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`gate ${gate.id}: ${created.status}`);
    for (const zone of gate.zones) {
      const added = await api('POST', `/api/v1/gates/${gate.id}/zones`, zone);
      if (added.status !== 201 && added.status !== 409) throw new Error(`zone ${zone.id}: ${added.status}`);
    }
  }
}

/**
 * The starter information tree (sample text for the city to replace, docs/adr/0020) at each
 * demo gate that has no tree yet; a gate that has one answers 409 and keeps it.
 */
async function seedInformation() {
  for (const gate of DEMO_GATES) {
    const seeded = await api('POST', '/api/v1/info/seed-sample', { gateId: gate.id });
    if (seeded.status !== 201 && seeded.status !== 409) {
      throw new Error(`information tree at ${gate.id}: ${JSON.stringify(seeded.body)}`);
    }
  }
}

/** Enrols a demo screen unless it already is; returns its config file path. */
async function enrolScreen(screen) {
  const dir = join(dataDir, 'demo', screen.id);
  const configFile = join(dir, 'agent.json');
  const known = await api('GET', `/api/v1/devices/${screen.id}`);
  if (known.status === 200 && existsSync(configFile)) return configFile;
  if (known.status === 200) await api('DELETE', `/api/v1/devices/${screen.id}`);
  const enrolled = await api('POST', '/api/v1/devices', screen);
  if (enrolled.status !== 201) throw new Error(`enrol ${screen.id}: ${JSON.stringify(enrolled.body)}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config = {
    ...enrolled.body.agentConfig,
    dataDir: join(dir, 'state'),
    healthIntervalSec: 30,
    // Two kiosk windows would cover a developer's desktop: the demo screens play headless.
    player: { headless: true, windowWidth: 1280, windowHeight: 720 },
  };
  writeAgentConfigFile(configFile, config, { overwrite: true });
  return configFile;
}

function firstAdminLines() {
  const password = /one-time password: (\S+)/.exec(output.fleet ?? '')?.[1];
  if (!password) return [];
  return [`  sign in as "admin" with the one-time password ${password} (shown only on this first start)`];
}

let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  console.error('\ndemo: stopping screens and fleet manager…');
  // Agents first, so they can say goodbye to the broker.
  for (const child of children.slice(1).reverse()) child.kill('SIGTERM');
  await sleep(1000);
  children[0]?.kill('SIGTERM');
}

async function main() {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  // The demo's screens play the demo welcome loop (docs/adr/0014-demo-content.md); GATECAST_DEMO_CONTENT=0 turns it off.
  start('fleet', ['fleet/dist/cli/main.js', 'serve'], { GATECAST_DEMO_CONTENT: demoContent });
  await waitFor('the fleet manager', async () => (await fetch(`${baseUrl}/healthz`)).ok);
  await seedGates();
  if (demoContent !== '0') await seedInformation();
  for (const screen of DEMO_SCREENS) {
    start(`agent-${screen.id}`, ['device/dist/main.js', '--config', await enrolScreen(screen)]);
  }
  await waitFor('both demo screens online', async () => {
    const { body } = await api('GET', '/api/v1/devices');
    return DEMO_SCREENS.every((s) =>
      body.devices.some((d) => d.id === s.id && d.presence.state === 'online'),
    );
  });
  console.error(
    [
      '',
      `gatecast demo is running: dashboard ${baseUrl}/  (MQTT on 127.0.0.1:${process.env.MQTT_PORT ?? 1883})`,
      ...firstAdminLines(),
      `  two screens are online; logs in ${logDir}`,
      '  in another terminal:  npx gatecast devices list',
      '  stop with Ctrl-C; data stays in ' + dataDir,
      '',
    ].join('\n'),
  );
}

main().catch(async (error) => {
  console.error(`demo: ${error.message}`);
  await stopAll();
  process.exitCode = 1;
});
