import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { GatecastError, type AgentConfig } from '@gatecast/protocol';
import { loadAgentConfig } from '../config/load-config.js';
import { dataPaths } from '../provisioning/data-paths.js';
import { enrolmentSettingsSchema, readJsonFile } from '../provisioning/enrolment-settings.js';
import { CommissioningScreen } from './commissioning-screen.js';
import type { CommissioningView, EnrolmentView } from './commissioning-view.js';
import { enrolmentApi } from './enrolment-client.js';
import { runEnrolment } from './enrolment-flow.js';
import { readModel, readNetworkState, readSerial } from './host-identity.js';
import type { ScreenSettings } from './screen-settings.js';

export interface CommissioningOptions {
  configFile: string;
  settings: ScreenSettings;
  /** Why the config could not be used (one line). */
  problem: string;
  /** Why the boot partition's provision file was refused, if it was. */
  provisionProblem?: string | null;
  agentVersion: string;
  log: Logger;
  /** Aborted on SIGTERM: the screen stops and the run resolves null. */
  signal: AbortSignal;
  now?: () => Date;
}

/** Whether first boot left an enrolment to do (token mode, no agent config yet). */
export async function enrolmentPending(configFile: string): Promise<boolean> {
  const settings = await readJsonFile(dataPaths(dirname(configFile)).enrolment, enrolmentSettingsSchema);
  return settings !== null;
}

/**
 * Commissioning instead of a crash loop: the screen shows the serial, the network, and either the
 * pairing code of a zero-touch enrolment or the config problem in plain words. The config file is
 * read again every few seconds; once it is valid (approved, or fixed) the agent config is returned.
 */
export async function runCommissioning(options: CommissioningOptions): Promise<AgentConfig | null> {
  const { settings, log, signal } = options;
  const now = options.now ?? (() => new Date());
  const dataDir = dirname(options.configFile);
  const enrolment = await readJsonFile(dataPaths(dataDir).enrolment, enrolmentSettingsSchema);
  let view: CommissioningView = {
    mode: enrolment ? 'enrolment' : 'config-error',
    agentVersion: options.agentVersion,
    serial: await readSerial(settings.hostRoot),
    model: await readModel(settings.hostRoot),
    network: await readNetworkState(settings.hostRoot),
    fleetUrl: enrolment?.fleetUrl ?? null,
    fleetReachable: null,
    gateId: enrolment?.gateId ?? null,
    zoneId: enrolment?.zoneId ?? null,
    enrolment: null,
    configError: enrolment ? null : (options.provisionProblem ?? options.problem),
    updatedAt: now().toISOString(),
  };
  if (!enrolment) log.error({ problem: view.configError }, 'cannot start: showing the commissioning screen');
  const screen = new CommissioningScreen(view, {
    player: settings.player,
    port: settings.port,
    dataDir,
    log,
  });
  const change = (patch: Partial<CommissioningView>): void => {
    view = { ...view, ...patch, updatedAt: now().toISOString() };
    screen.update(view);
  };
  await screen.start();

  const stopEnrolment = new AbortController();
  const stopAll = (): void => stopEnrolment.abort();
  signal.addEventListener('abort', stopAll, { once: true });
  const api = enrolment
    ? enrolmentApi({
        fleetUrl: enrolment.fleetUrl,
        ...(enrolment.caFile ? { caFile: enrolment.caFile } : {}),
      })
    : null;
  const enrolled =
    enrolment && api
      ? runEnrolment(
          {
            configFile: options.configFile,
            settings: enrolment,
            api,
            describe: async () => ({
              serial: view.serial,
              model: view.model,
              agentVersion: options.agentVersion,
              network: {
                interface: view.network.interface,
                address: view.network.address,
                kind: view.network.kind,
              },
            }),
            onView: (enrolmentView: EnrolmentView) => change({ enrolment: enrolmentView }),
            log,
            now,
            retryPauseMs: settings.retryPauseMs,
          },
          stopEnrolment.signal,
        ).catch((error: unknown) => {
          log.error({ err: (error as Error).message }, 'enrolment failed');
          return false;
        })
      : Promise.resolve(false);

  // Only an approval cuts the pause short (a failed enrolment must not spin the loop).
  const approved = enrolled.then((ok) => (ok ? undefined : new Promise<void>(() => undefined)));
  try {
    while (!signal.aborted) {
      const config = await tryLoad(options.configFile);
      if (config.ok) {
        log.info({ deviceId: config.value.deviceId }, 'config is valid; leaving commissioning');
        return config.value;
      }
      // A broken provision file explains a missing config better than the missing config does.
      const problem = config.missing && options.provisionProblem ? options.provisionProblem : config.problem;
      if (!enrolment && problem !== view.configError) change({ configError: problem });
      const [network, fleetReachable] = await Promise.all([
        readNetworkState(settings.hostRoot),
        api ? api.reachable() : Promise.resolve(null),
      ]);
      change({ network, fleetReachable });
      await Promise.race([pause(settings.recheckMs, signal), approved]);
    }
    return null;
  } finally {
    signal.removeEventListener('abort', stopAll);
    stopEnrolment.abort();
    await enrolled;
    await screen.stop();
  }
}

type LoadResult = { ok: true; value: AgentConfig } | { ok: false; problem: string; missing: boolean };

async function tryLoad(file: string): Promise<LoadResult> {
  try {
    return { ok: true, value: await loadAgentConfig(file) };
  } catch (error) {
    if (!(error instanceof GatecastError)) throw error;
    return {
      ok: false,
      problem: error.message,
      missing: error.message.endsWith('cannot read: no such file'),
    };
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
