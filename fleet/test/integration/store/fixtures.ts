import { GatecastError, type ReportedState, type TelemetrySample } from '@gatecast/protocol';
import { hashSecret, generateDeviceSecret } from '../../../src/devices/device-secrets.js';
import type { DevicesRepo } from '../../../src/devices/devices-repo.js';
import type { GatesRepo } from '../../../src/gates/gates-repo.js';

/** The catalogue code a call throws, or undefined when it does not throw. */
/** The GatecastError code `fn` throws or rejects with; undefined when it succeeds. */
export async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return error instanceof GatecastError ? error.code : `not a GatecastError: ${String(error)}`;
  }
  return undefined;
}

/** Cat Bi airport with its arrivals hall, and the port with its passenger terminal. */
export async function seedGates(gates: GatesRepo): Promise<void> {
  await gates.create({ id: 'cat-bi-airport', name: 'Cat Bi International Airport' });
  await gates.addZone('cat-bi-airport', { id: 'arrivals-hall', name: 'Arrivals hall' });
  await gates.addZone('cat-bi-airport', { id: 'departures', name: 'Departures hall' });
  await gates.create({ id: 'hai-phong-port', name: 'Port of Hai Phong', languages: ['vi', 'en', 'zh-Hans'] });
  await gates.addZone('hai-phong-port', { id: 'terminal', name: 'Passenger terminal' });
}

/** Enrols a screen in Cat Bi's arrivals hall (unless told otherwise); returns its plain secret. */
export async function enrol(
  devices: DevicesRepo,
  id: string,
  where: { gateId?: string; zoneId?: string; tags?: string[]; name?: string } = {},
): Promise<string> {
  const secret = generateDeviceSecret();
  await devices.create(
    {
      id,
      name: where.name ?? `Screen ${id}`,
      gateId: where.gateId ?? 'cat-bi-airport',
      zoneId: where.zoneId ?? 'arrivals-hall',
      tags: where.tags ?? [],
    },
    hashSecret(secret),
  );
  return secret;
}

export function sampleTelemetry(at: string, loadPercent = 12): TelemetrySample {
  return {
    at,
    uptimeSec: 3600,
    cpu: { loadPercent, temperatureC: 51.5 },
    memory: { totalBytes: 4e9, usedBytes: 1.2e9 },
    disk: { totalBytes: 32e9, usedBytes: 6e9 },
    agent: { version: '0.1.0', rssBytes: 80e6, uptimeSec: 3500 },
  };
}

export function sampleReported(at: string, agentVersion = '0.1.0'): ReportedState {
  return {
    at,
    agentVersion,
    appliedVersion: 3,
    desiredSource: 'fleet',
    phase: 'playing',
    currentItemId: 'welcome',
    errors: [],
  };
}
