// What a simulated screen says on protocol v1, as pure functions (no I/O), so a unit test can
// check every message against the protocol's own schemas (scripts/test/unit/sim/).
import { randomBytes } from 'node:crypto';

export const SIM_AGENT_VERSION = 'sim-0.1.0';
export const TOPIC_ROOT = 'gatecast/v1/devices';

export function topic(deviceId, kind) {
  return `${TOPIC_ROOT}/${deviceId}/${kind}`;
}

/** Event ids must be unique per screen and 8–64 characters. */
export function eventId() {
  return randomBytes(12).toString('hex');
}

/** `status`, retained. The last will is the same message with state offline and nothing else. */
export function statusMessage(state, now) {
  return state === 'offline' && now === undefined
    ? { state: 'offline' }
    : { state, at: now.toISOString(), agentVersion: SIM_AGENT_VERSION };
}

/** `reported`, retained: the simulator applies every document it is sent. */
export function reportedMessage(appliedVersion, now) {
  return {
    at: now.toISOString(),
    agentVersion: SIM_AGENT_VERSION,
    appliedVersion,
    desiredSource: appliedVersion === null ? 'none' : 'fleet',
    phase: appliedVersion === null ? 'starting' : 'applied',
    currentItemId: null,
    errors: [],
  };
}

/**
 * `telemetry`: a plausible, healthy Pi 4 on a wired network with a TV on HDMI, doing nothing much:
 * every block the real agent sends, so the fleet's history, charts and alert rules see real shapes.
 */
export function telemetryMessage(now, uptimeSec, random = Math.random) {
  const load = Math.round(3 + random() * 10);
  return {
    at: now.toISOString(),
    uptimeSec: Math.round(uptimeSec),
    cpu: {
      loadPercent: load,
      temperatureC: Math.round(450 + random() * 100) / 10,
      loadAverage: [load / 25, load / 30, load / 35].map((value) => Math.round(value * 100) / 100),
    },
    memory: { totalBytes: 4_000_000_000, usedBytes: 900_000_000 },
    disk: { totalBytes: 32_000_000_000, usedBytes: 6_000_000_000 },
    agent: { version: SIM_AGENT_VERSION, rssBytes: 48_000_000, uptimeSec: Math.round(uptimeSec) },
    power: {
      raw: 0,
      underVoltageNow: false,
      throttledNow: false,
      frequencyCappedNow: false,
      softTemperatureLimitNow: false,
      underVoltageSinceBoot: false,
      throttledSinceBoot: false,
    },
    storage: { errorCount: 0, readOnly: false },
    network: {
      interface: 'eth0',
      kind: 'ethernet',
      address: `10.20.0.${1 + Math.floor(random() * 250)}`,
      wifiSignalDbm: null,
      wifiSsid: null,
    },
    clock: { synced: true, offsetMs: Math.round((random() - 0.5) * 40) },
    display: {
      black: false,
      frozen: false,
      checkedAt: now.toISOString(),
      cecPower: 'on',
      hdmi: 'connected',
      resolution: { width: 1920, height: 1080 },
    },
    player: {
      up: true,
      restarts: 0,
      lastCause: null,
      jsHeapBytes: 24_000_000,
      memoryBytes: Math.round(380_000_000 + random() * 40_000_000),
    },
  };
}

/** `cmd/res` for a `cmd/req`: ping answers, anything else is refused as a simulator cannot do it. */
export function commandResult(request, now) {
  const base = {
    id: request.id,
    name: String(request.name ?? 'unknown').slice(0, 64),
    at: now.toISOString(),
  };
  if (request.expiresAt && Date.parse(request.expiresAt) < now.getTime()) {
    return { ...base, ok: false, problem: { code: 'COMMAND_EXPIRED', message: 'arrived after its expiry' } };
  }
  if (request.name === 'ping')
    return { ...base, ok: true, result: { pong: true, agentVersion: SIM_AGENT_VERSION } };
  return {
    ...base,
    ok: false,
    problem: { code: 'UNKNOWN_COMMAND', message: `a simulated screen cannot ${base.name}` },
  };
}

/**
 * The announcement entries of a desired document, split into those live at `now` and those that
 * start later (with when). An entry without notBefore is live from the start; one past notAfter is
 * over. Only the absolute window counts: announcements carry no calendar fields.
 */
export function announcementEntries(desired, now) {
  const at = now.getTime();
  const live = [];
  const later = [];
  for (const entry of desired?.content?.schedule ?? []) {
    if (entry?.layer !== 'announcement') continue;
    const from = entry.notBefore ? Date.parse(entry.notBefore) : -Infinity;
    const until = entry.notAfter ? Date.parse(entry.notAfter) : Infinity;
    if (at >= until) continue;
    if (at >= from) live.push(entry);
    else later.push({ entry, startsInMs: from - at });
  }
  return { live, later };
}

/** The render receipt a real screen sends when an announcement first shows (no screenshot here). */
export function receiptEvent(entry, desired, now) {
  const language = entry.items?.[0]?.kind === 'text' ? (desired?.display?.languages?.[0] ?? null) : null;
  return {
    id: eventId(),
    at: now.toISOString(),
    kind: 'announcement-shown',
    entryId: entry.id,
    itemId: entry.items?.[0]?.id ?? entry.id,
    language,
    shownAt: now.toISOString(),
    screenshotSha256: null,
  };
}
