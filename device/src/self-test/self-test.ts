import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import {
  SELF_TEST_CHECKS,
  type AgentConfig,
  type SelfTestCheck,
  type SelfTestCheckName,
  type SelfTestReport,
} from '@gatecast/protocol';
import { createClockSync } from '../hardware/clock-sync.js';
import { createCecDisplayPower } from '../hardware/display-power.js';
import { runTool } from '../hardware/run-tool.js';
import { hostFiles } from '../health/host-files.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { readAgentVersion } from '../lib/version.js';
import { withTimeout } from '../lib/with-timeout.js';
import { checkCec } from './check-cec.js';
import { checkClock } from './check-clock.js';
import { checkDisplay } from './check-display.js';
import { checkFleet } from './check-fleet.js';
import { checkFonts } from './check-fonts.js';
import { checkNetwork } from './check-network.js';
import { checkStorage } from './check-storage.js';
import {
  DEFAULT_FLEET_TIMEOUT_MS,
  DEFAULT_STORAGE_BYTES,
  describeError,
  sleep,
  type CheckOutcome,
  type SelfTestProbes,
} from './probes.js';
import { readBoardSerial } from './serial.js';

export type SelfTestTrigger = SelfTestReport['trigger'];

export interface SelfTestOptions {
  trigger: SelfTestTrigger;
  /** null when the config is missing or broken: what needs it is skipped or failed, the rest runs. */
  config: AgentConfig | null;
  /** Why the config is unusable; null or absent when it is simply not there yet. */
  configProblem?: string | null;
  /** Where the storage test writes: the data partition. */
  dataDir: string;
  agentVersion?: string;
  clock?: Clock;
  probes?: SelfTestProbes;
}

/** A check that hangs (a stuck tool, a dead NFS mount) fails on its own; the others still report. */
const CHECK_LIMIT_MS = 60_000;
const TOOL_TIMEOUT_MS = 10_000;

/** Runs every check (together) and says whether the screen is ready: passed = no check failed. */
export async function runSelfTest(options: SelfTestOptions): Promise<SelfTestReport> {
  const probes = options.probes ?? {};
  const clock = options.clock ?? systemClock;
  const sysRoot = probes.sysRoot ?? '/sys';
  const procRoot = probes.procRoot ?? '/proc';
  const files = { sys: hostFiles(sysRoot), proc: hostFiles(procRoot) };
  const quiet = pino({ level: 'silent' });
  const exec = probes.exec ?? ((file, args) => runTool(file, args, TOOL_TIMEOUT_MS));
  const settleMs = probes.clockSettleMs ?? 0;

  const runners: Record<SelfTestCheckName, () => Promise<CheckOutcome>> = {
    display: () => checkDisplay(sysRoot),
    'hdmi-cec': () => checkCec(probes.devRoot ?? '/dev', probes.cec ?? createCecDisplayPower(quiet)),
    network: () =>
      checkNetwork({
        ...files,
        addresses: probes.addresses ?? networkInterfaces,
        ssid: probes.ssid ?? wifiSsid,
      }),
    fleet: () =>
      checkFleet({
        config: options.config,
        configProblem: options.configProblem ?? null,
        timeoutMs: probes.fleetTimeoutMs ?? DEFAULT_FLEET_TIMEOUT_MS,
        clock,
      }),
    storage: () =>
      checkStorage({
        dataDir: options.dataDir,
        bytes: probes.storageBytes ?? DEFAULT_STORAGE_BYTES,
        sysRoot,
        procRoot,
        monotonicMs: probes.monotonicMs ?? (() => performance.now()),
      }),
    fonts: () => checkFonts(exec),
    clock: () =>
      checkClock({
        clockSync: probes.clockSync ?? createClockSync(quiet, { run: exec }),
        clock,
        settleMs,
        sleep: probes.sleep ?? sleep,
      }),
  };
  const [checks, serial] = await Promise.all([
    Promise.all(
      SELF_TEST_CHECKS.map((name) => runCheck(name, runners[name], name === 'clock' ? settleMs : 0)),
    ),
    readBoardSerial(files).catch(() => null),
  ]);
  return {
    at: clock.now().toISOString(),
    agentVersion: options.agentVersion ?? readAgentVersion(),
    serial,
    trigger: options.trigger,
    checks,
    passed: checks.every((check) => check.status !== 'fail'),
  };
}

async function runCheck(
  check: SelfTestCheckName,
  run: () => Promise<CheckOutcome>,
  extraMs: number,
): Promise<SelfTestCheck> {
  const limitMs = CHECK_LIMIT_MS + extraMs;
  let outcome: CheckOutcome;
  try {
    const timedOut: CheckOutcome = { status: 'fail', summary: `did not finish within ${limitMs / 1000} s` };
    outcome = await withTimeout(run(), limitMs, timedOut);
  } catch (error) {
    outcome = { status: 'fail', summary: `the check itself failed: ${describeError(error)}` };
  }
  return {
    check,
    status: outcome.status,
    summary: outcome.summary.slice(0, 300),
    details: trimDetails(outcome.details ?? {}),
  };
}

/** The schema caps detail strings at 300 characters. */
function trimDetails(details: Record<string, string | number | boolean | null>): SelfTestCheck['details'] {
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.slice(0, 300) : value,
    ]),
  );
}

/** The Wi-Fi network's name through systeminformation (nmcli, iw or iwconfig), loaded only for a Wi-Fi route. */
async function wifiSsid(iface: string): Promise<string | null> {
  const { default: si } = await import('systeminformation');
  const connections = await si.wifiConnections();
  return connections.find((connection) => connection.iface === iface)?.ssid || null;
}
