import type { TelemetrySample } from '@gatecast/protocol';
import type { HostFiles } from './host-files.js';

export type PowerFlags = NonNullable<TelemetrySample['power']>;

/** The firmware's bits (Raspberry Pi documentation, `vcgencmd get_throttled`). */
const BIT = {
  underVoltageNow: 0,
  frequencyCappedNow: 1,
  throttledNow: 2,
  softTemperatureLimitNow: 3,
  underVoltageSinceBoot: 16,
  throttledSinceBoot: 18,
} as const;

/** The sysfs node prints bare hex (`50005`), vcgencmd `throttled=0x50005`; anything else is unknown. */
export function parseThrottledHex(text: string): number | null {
  const match = /^(?:0x)?([0-9a-f]{1,8})$/i.exec(text.trim());
  return match?.[1] === undefined ? null : Number.parseInt(match[1], 16);
}

export function parseVcgencmdThrottled(stdout: string): number | null {
  const match = /throttled=(\S+)/.exec(stdout);
  return match?.[1] === undefined ? null : parseThrottledHex(match[1]);
}

export function powerFlags(raw: number): PowerFlags {
  const bit = (index: number): boolean => (raw & (1 << index)) !== 0;
  return {
    raw,
    underVoltageNow: bit(BIT.underVoltageNow),
    throttledNow: bit(BIT.throttledNow),
    frequencyCappedNow: bit(BIT.frequencyCappedNow),
    softTemperatureLimitNow: bit(BIT.softTemperatureLimitNow),
    underVoltageSinceBoot: bit(BIT.underVoltageSinceBoot),
    throttledSinceBoot: bit(BIT.throttledSinceBoot),
  };
}

/** Where the firmware driver puts the node: `soc:firmware` up to the Pi 4, under another bus on newer boards. */
const KNOWN_NODE = 'devices/platform/soc/soc:firmware/get_throttled';

/**
 * The raw flags from sysfs: a file read, cheap enough for the change watcher. Looks in the known
 * place, then one level under each platform bus for a `*firmware` device.
 */
export function createSysfsThrottled(sys: HostFiles): () => Promise<number | null> {
  // Searched once: the driver creates the node at boot, before the agent starts.
  let found: Promise<string | null> | null = null;
  async function locate(): Promise<string | null> {
    if ((await sys.read(KNOWN_NODE)) !== null) return KNOWN_NODE;
    for (const bus of (await sys.list('devices/platform')) ?? []) {
      const candidates = bus.endsWith('firmware')
        ? [bus]
        : ((await sys.list(`devices/platform/${bus}`)) ?? []).filter((name) => name.endsWith(':firmware'));
      for (const device of candidates) {
        const path = `devices/platform/${bus === device ? bus : `${bus}/${device}`}/get_throttled`;
        if ((await sys.read(path)) !== null) return path;
      }
    }
    return null;
  }
  return async () => {
    found ??= locate();
    const path = await found;
    if (path === null) return null;
    const text = await sys.read(path);
    return text === null ? null : parseThrottledHex(text);
  };
}

/**
 * The power block: sysfs first (no process), `vcgencmd` when the node is absent (older kernels),
 * null on hardware that has neither: not a Pi, so there is nothing to report, not a fault.
 */
export async function readPiPower(
  sysfs: () => Promise<number | null>,
  vcgencmd: () => Promise<string>,
): Promise<PowerFlags | null> {
  const raw = (await sysfs()) ?? parseVcgencmdThrottled(await vcgencmd().catch(() => ''));
  return raw === null ? null : powerFlags(raw);
}
