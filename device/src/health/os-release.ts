import type { TelemetrySample } from '@gatecast/protocol';
import { runTool } from '../hardware/run-tool.js';
import type { Clock } from '../lib/clock.js';
import { hostFiles } from './host-files.js';

export type OsReading = NonNullable<TelemetrySample['os']>;

export interface OsProbe {
  /** The latest reading, at once; starts a fresh check in the background when one is due. */
  read(): Promise<OsReading>;
  /** Checks now and resolves with the new reading (tests, and the background check). */
  refresh(): Promise<OsReading>;
}

export interface OsProbeOptions {
  clock: Clock;
  /** `/` by default; tests point it at a fake tree holding etc/os-release. */
  rootDir?: string;
  /** `apt-get -s dist-upgrade`'s output; tests replay recorded outputs. */
  aptSimulate?: () => Promise<string>;
  /** Six hours: pending updates change when the package lists do, about daily. */
  intervalMs?: number;
  /** Ten minutes: apt's dependency solver costs seconds of a Pi's CPU, not while the player starts. */
  firstCheckDelayMs?: number;
}

const SIX_HOURS_MS = 6 * 60 * 60_000;
const TEN_MINUTES_MS = 10 * 60_000;
const APT_TIMEOUT_MS = 120_000;

/** `KEY=value` or `KEY="value"` lines of os-release(5); null for a field that is missing or empty. */
export function parseOsRelease(text: string | null): Pick<OsReading, 'prettyName' | 'versionId'> {
  const fields = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match?.[1]) continue;
    const raw = (match[2] ?? '').trim();
    const quoted = /^(["'])(.*)\1$/.exec(raw);
    fields.set(match[1], (quoted ? (quoted[2] ?? '') : raw).replace(/\\(["'$`\\])/g, '$1'));
  }
  const field = (key: string, max: number) => fields.get(key)?.slice(0, max) || null;
  return { prettyName: field('PRETTY_NAME', 120), versionId: field('VERSION_ID', 40) };
}

/**
 * Pending security updates from `apt-get -s dist-upgrade`: packages whose new version comes from
 * a security archive (`Debian-Security:12/stable-security`, `Ubuntu:24.04/noble-security`).
 * dist-upgrade, not upgrade, so a security fix that needs a new package (a kernel) still counts.
 * Null when the output is not apt's: an unknown count is never reported as zero.
 */
export function countSecurityUpdates(aptOutput: string): number | null {
  const lines = aptOutput.split('\n');
  const simulated = lines.some((line) => /^(Inst|Conf|Remv) /.test(line) || /^\d+ upgraded, /.test(line));
  if (!simulated) return null;
  const packages = new Set<string>();
  for (const line of lines) {
    const match = /^Inst (\S+) .*?\(([^)]*)\)/.exec(line);
    if (match?.[1] && /[\w.-]-security\b/i.test(match[2] ?? '')) packages.add(match[1]);
  }
  return packages.size;
}

/**
 * The OS the screen runs and how many security updates wait for it. The os-release file is read
 * at start and at each check; apt runs at most every `intervalMs`, in the background, so a sample
 * never waits for it.
 */
export function createOsProbe(options: OsProbeOptions): OsProbe {
  const root = hostFiles(options.rootDir ?? '/');
  const aptSimulate = options.aptSimulate ?? systemAptSimulate;
  const intervalMs = options.intervalMs ?? SIX_HOURS_MS;
  let nextCheckAt = options.clock.now().getTime() + (options.firstCheckDelayMs ?? TEN_MINUTES_MS);
  let reading: OsReading | null = null;
  let running: Promise<OsReading> | null = null;

  const readRelease = async () =>
    parseOsRelease((await root.read('etc/os-release')) ?? (await root.read('usr/lib/os-release')));

  async function check(): Promise<OsReading> {
    const release = await readRelease();
    const securityUpdates = await aptSimulate().then(countSecurityUpdates, () => null);
    const checkedAt = securityUpdates === null ? (reading?.checkedAt ?? null) : options.clock.now();
    reading = {
      ...release,
      // A failed check keeps the last known count rather than hiding it.
      securityUpdates: securityUpdates ?? reading?.securityUpdates ?? null,
      checkedAt: typeof checkedAt === 'string' || checkedAt === null ? checkedAt : checkedAt.toISOString(),
    };
    return reading;
  }

  const refresh = (): Promise<OsReading> => {
    nextCheckAt = options.clock.now().getTime() + intervalMs;
    running ??= check().finally(() => (running = null));
    return running;
  };

  return {
    async read() {
      reading ??= { ...(await readRelease()), securityUpdates: null, checkedAt: null };
      if (options.clock.now().getTime() >= nextCheckAt) refresh().catch(() => undefined);
      return reading;
    },
    refresh,
  };
}

async function systemAptSimulate(): Promise<string> {
  // Simulation only: reads the local package lists, installs nothing, needs no root.
  const { stdout } = await runTool('apt-get', ['-s', '-q', 'dist-upgrade'], APT_TIMEOUT_MS);
  return stdout;
}
