// Enrols (or reuses) simulated screens through the fleet's HTTP API, as a technician would with
// `gatecast devices add`, and keeps their secrets in a 0600 state file so the next run reuses them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertLoopbackUrl } from './loopback.js';

const PARALLEL_REQUESTS = 8;

export function screenId(gate, index) {
  return `${gate}-s${String(index + 1).padStart(5, '0')}`;
}

/**
 * Makes sure `count` screens exist at `gate` (created with `zones` zones if missing) and returns
 * [{ id, secret }] plus the MQTT URL the fleet hands to agents. A screen that exists but whose
 * secret is not in the state file is removed and enrolled again (the fleet never shows a secret twice).
 */
export async function enrolScreens({
  fleetUrl,
  token,
  count,
  gate = 'sim',
  zones = 4,
  stateFile,
  progress = () => {},
}) {
  assertLoopbackUrl(fleetUrl);
  const api = apiClient(fleetUrl, token);
  await ensureGate(api, gate, zones);
  const state = readState(stateFile, fleetUrl);
  const existing = new Set(
    ((await api('GET', `/api/v1/devices?gate=${encodeURIComponent(gate)}`)).body.devices ?? []).map(
      (d) => d.id,
    ),
  );
  const screens = new Array(count);
  let done = 0;
  let reused = 0;
  let mqttUrl = state.mqttUrl;
  const enrolOne = async (index) => {
    const id = screenId(gate, index);
    const known = state.screens[id];
    if (known && existing.has(id)) {
      reused += 1;
      screens[index] = { id, secret: known };
    } else {
      if (existing.has(id)) await api('DELETE', `/api/v1/devices/${id}`, undefined, [204, 404]);
      const zoneId = `zone-${(index % zones) + 1}`;
      const body = { id, name: `Simulated screen ${index + 1}`, gateId: gate, zoneId, tags: ['simulated'] };
      const { agentConfig } = (await api('POST', '/api/v1/devices', body, [201])).body;
      state.screens[id] = agentConfig.secret;
      mqttUrl = agentConfig.mqtt.url;
      screens[index] = { id, secret: agentConfig.secret };
    }
    done += 1;
    if (done % 100 === 0 || done === count) progress(`screens ready: ${done}/${count} (${reused} reused)`);
  };
  let next = 0;
  const lanes = Array.from({ length: Math.min(PARALLEL_REQUESTS, count) }, async () => {
    while (next < count) await enrolOne(next++);
  });
  try {
    await Promise.all(lanes);
  } finally {
    state.mqttUrl = mqttUrl;
    writeState(stateFile, state);
  }
  if (!mqttUrl) throw new Error('the fleet did not say where its MQTT broker is; enrol one screen afresh');
  return { screens, mqttUrl, reused };
}

async function ensureGate(api, gate, zones) {
  const found = await api('GET', `/api/v1/gates/${encodeURIComponent(gate)}`, undefined, [200, 404]);
  if (found.status === 404) {
    await api('POST', '/api/v1/gates', { id: gate, name: `Simulated gate ${gate}` }, [201, 409]);
  }
  const have = new Set((found.body?.zones ?? []).map((zone) => zone.id));
  for (let index = 1; index <= zones; index++) {
    if (have.has(`zone-${index}`)) continue;
    await api(
      'POST',
      `/api/v1/gates/${encodeURIComponent(gate)}/zones`,
      { id: `zone-${index}`, name: `Zone ${index}` },
      [201, 409],
    );
  }
}

function apiClient(fleetUrl, token) {
  const base = fleetUrl.replace(/\/+$/, '');
  return async (method, path, body, expected = [200]) => {
    let response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new Error(
        `cannot reach the fleet at ${base} (${error.cause?.code ?? error.cause?.errors?.[0]?.code ?? error.cause?.message ?? error.message})`,
      );
    }
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!expected.includes(response.status)) {
      const reason = parsed?.error
        ? `${parsed.error.code}: ${parsed.error.message}`
        : `HTTP ${response.status}`;
      throw new Error(`${method} ${path}: ${reason}`);
    }
    return { status: response.status, body: parsed };
  };
}

function readState(file, fleetUrl) {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8'));
    if (state.fleetUrl === fleetUrl && state.screens && typeof state.screens === 'object') return state;
  } catch {
    // No state yet, or unreadable: start afresh.
  }
  return { fleetUrl, mqttUrl: undefined, screens: {} };
}

function writeState(file, state) {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
}
