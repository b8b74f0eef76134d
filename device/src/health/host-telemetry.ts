import { realpath } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { GatecastError, type TelemetrySample } from '@gatecast/protocol';
import { runTool } from '../hardware/run-tool.js';
import { systemClock } from '../lib/clock.js';
import type { ClockOffsetProbe } from './clock-offset.js';
import { readDisplayOutput, readHdmiStatus, type DisplayOutput } from './display-output.js';
import { hostFiles } from './host-files.js';
import { readNetwork, readRoute, type InterfaceAddresses } from './network-reading.js';
import { createOsProbe, type OsProbe } from './os-release.js';
import { createSysfsThrottled, readPiPower } from './pi-power.js';
import { readDataReadOnly, readStorageHealth } from './storage-health.js';

/** What the host adds to a sample besides the basics; `output` is merged into the display block. */
export type HostBlocks = Required<Pick<TelemetrySample, 'power' | 'storage' | 'network' | 'clock'>> &
  Pick<TelemetrySample, 'os'> & {
    output: DisplayOutput;
  };

export interface HostTelemetry {
  read(): Promise<HostBlocks>;
  /** A fingerprint of the flags the change watcher follows: file reads only, no process. */
  watchKey(): Promise<string>;
}

/** The hardware edges; each defaults to the real machine, tests replace them. */
export interface HostProbeOptions {
  /** `/sys` by default; tests point it at a fake tree. */
  sysRoot?: string;
  /** `/proc` by default. */
  procRoot?: string;
  /** `vcgencmd get_throttled`'s output; used only when the sysfs node is missing. */
  vcgencmd?: () => Promise<string>;
  ssid?: (iface: string) => Promise<string | null>;
  addresses?: () => InterfaceAddresses;
  /** The OS release and pending security updates; the real machine's, checked every 6 h, by default. */
  os?: OsProbe;
}

export interface HostTelemetryOptions extends HostProbeOptions {
  dataDir: string;
  clockSynced: () => boolean | null;
  clockOffset: ClockOffsetProbe;
}

const TOOL_TIMEOUT_MS = 3_000;

export function createHostTelemetry(options: HostTelemetryOptions): HostTelemetry {
  const sys = hostFiles(options.sysRoot ?? '/sys');
  const proc = hostFiles(options.procRoot ?? '/proc');
  const sysfsThrottled = createSysfsThrottled(sys);
  const vcgencmd = options.vcgencmd ?? systemVcgencmd();
  const network = {
    sys,
    proc,
    addresses: options.addresses ?? networkInterfaces,
    ssid: options.ssid ?? systemSsid,
  };
  // The data directory as the mount table names it (a symlinked path would match the wrong mount).
  let dataDir: Promise<string> | null = null;
  const os = options.os ?? createOsProbe({ clock: systemClock });
  const resolvedDataDir = (): Promise<string> =>
    (dataDir ??= realpath(options.dataDir).catch(() => options.dataDir));

  return {
    async read() {
      const [power, storage, net, offsetMs, output, osReading] = await Promise.all([
        readPiPower(sysfsThrottled, vcgencmd),
        readStorageHealth({ sys, proc }, await resolvedDataDir()),
        readNetwork(network),
        options.clockOffset.read(),
        readDisplayOutput(sys),
        os.read(),
      ]);
      const clock = { synced: options.clockSynced(), offsetMs };
      return { power, storage, network: net, clock, os: osReading, output };
    },
    async watchKey() {
      const [power, hdmi, route, readOnly] = await Promise.all([
        sysfsThrottled(),
        readHdmiStatus(sys),
        readRoute(network),
        readDataReadOnly(proc, await resolvedDataDir()),
      ]);
      return JSON.stringify([power, hdmi, route.iface, route.address, readOnly]);
    },
  };
}

/** `vcgencmd get_throttled`; once it proved missing (not a Pi), it is not looked for again. */
function systemVcgencmd(): () => Promise<string> {
  let missing = false;
  return async () => {
    if (missing) return '';
    try {
      return (await runTool('vcgencmd', ['get_throttled'], TOOL_TIMEOUT_MS)).stdout;
    } catch (error) {
      if (error instanceof GatecastError && error.code === 'HARDWARE_UNAVAILABLE') missing = true;
      throw error;
    }
  };
}

/** The SSID through systeminformation (nmcli, iw or iwconfig, whichever the system has). */
async function systemSsid(iface: string): Promise<string | null> {
  const { default: si } = await import('systeminformation');
  const connections = await si.wifiConnections();
  return connections.find((connection) => connection.iface === iface)?.ssid || null;
}
