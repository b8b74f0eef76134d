#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { pino, type Logger } from 'pino';
import { GatecastError, type AgentConfig } from '@gatecast/protocol';
import { createAgent } from './agent.js';
import { enrolmentPending, runCommissioning } from './commissioning/commissioning-mode.js';
import { screenSettingsFromEnv } from './commissioning/screen-settings.js';
import { keepSystemdInformed } from './commissioning/systemd-keepalive.js';
import { importBootProvisioning, type ImportResult } from './provisioning/import-boot-provisioning.js';
import { loadAgentConfig } from './config/load-config.js';
import { readAgentVersion } from './lib/version.js';
import { withTimeout } from './lib/with-timeout.js';

const NAME = 'gatecast-agent';
/** Exit codes: 0 clean stop, 1 unexpected failure, 2 bad usage or config (systemd must not loop on it). */
const EXIT_USAGE = 2;
/**
 * The agent asks to be started again (a new release is switched in, or a failed one rolled back):
 * it stops cleanly and exits with EX_TEMPFAIL; systemd's `Restart=always` starts the launcher again.
 */
const EXIT_RESTART = 75;
const STOP_TIMEOUT_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name(NAME)
    .description('The gatecast screen agent: keeps one information screen on its desired state.')
    .version(readAgentVersion())
    .requiredOption('-c, --config <file>', 'agent config file (JSON)')
    .option('--self-test', 'run the commissioning self-test, print its report and exit (0 passed, 1 failed)')
    .option(
      '--boot-dir <dir>',
      'the boot partition, read at first boot for gatecast/provision.json',
      '/boot/firmware',
    )
    .option(
      '--commissioning',
      'on a screen: a missing or broken config shows the commissioning screen and is read again, instead of exit 2',
    )
    .exitOverride();
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    throw error;
  }
  const options = program.opts<{
    config: string;
    selfTest?: boolean;
    bootDir: string;
    commissioning?: boolean;
  }>();
  const file = options.config;
  // Before anything else: a technician's check needs no MQTT, browser, display or usable config.
  if (options.selfTest)
    return (await import('./self-test/self-test-cli.js')).runSelfTestCli({ configFile: file });
  const imported = await importProvisionFile(options.bootDir, file);
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(file);
  } catch (error) {
    if (!(error instanceof GatecastError)) throw error;
    console.error(`${NAME}: ${error.message}`);
    const provisionProblem = imported.kind === 'invalid' ? imported.message : null;
    // A terminal run keeps the one-line exit 2; a screen (or a provisioned card) must not crash-loop.
    if (!options.commissioning && provisionProblem === null && !(await enrolmentPending(file)))
      return EXIT_USAGE;
    const commissioned = await commission(file, error.message, provisionProblem);
    if (commissioned === null) return 0;
    config = commissioned;
  }
  return run(config);
}

function bootLogger(): Logger {
  return pino({ name: NAME, base: { pid: process.pid } });
}

/** First boot: the boot partition's provision file into the data partition; a failure is shown, not fatal. */
async function importProvisionFile(bootDir: string, configFile: string): Promise<ImportResult> {
  try {
    return await importBootProvisioning({ bootDir, configFile, log: bootLogger() });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { kind: 'invalid', message: `could not import the provision file from ${bootDir}: ${reason}` };
  }
}

/** The commissioning screen until the config is valid (then the agent runs in this process) or a stop signal. */
async function commission(
  file: string,
  problem: string,
  provisionProblem: string | null,
): Promise<AgentConfig | null> {
  const log = bootLogger();
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const systemd = keepSystemdInformed(log);
  try {
    return await runCommissioning({
      configFile: file,
      settings: screenSettingsFromEnv(process.env),
      problem,
      provisionProblem,
      agentVersion: readAgentVersion(),
      log,
      signal: stop.signal,
    });
  } finally {
    systemd.stop();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

async function run(config: AgentConfig): Promise<number> {
  const log = pino({
    name: NAME,
    level: config.logLevel,
    base: { pid: process.pid, deviceId: config.deviceId },
    // Nothing logs the config, but a secret must not reach the journal even by mistake.
    redact: { paths: ['secret', 'password', '*.secret', '*.password'], censor: '[redacted]' },
  });
  watchForCrashes(log);
  let askRestart: (reason: string) => void = () => undefined;
  const restart = new Promise<{ restart: string }>(
    (resolve) => (askRestart = (reason) => resolve({ restart: reason })),
  );
  const agent = createAgent({ config, log, restarter: { requestRestart: (reason) => askRestart(reason) } });
  const stopSignal = waitForStopSignal().then((signal) => ({ signal }));
  await agent.start();
  const reason = await Promise.race([stopSignal, restart]);
  const code = 'restart' in reason ? EXIT_RESTART : 0;
  if ('restart' in reason) log.info({ reason: reason.restart, exitCode: code }, 'restart requested');
  else log.info({ signal: reason.signal }, 'stop requested');
  const stopped = await withTimeout(
    agent.stop().then(() => true),
    STOP_TIMEOUT_MS,
    false,
  );
  if (!stopped) log.warn({ timeoutMs: STOP_TIMEOUT_MS }, 'stop timed out; exiting anyway');
  return code;
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** A bug that escapes every handler: log it and exit, so systemd restarts a clean process. */
function watchForCrashes(log: Logger): void {
  const crash = (error: unknown): void => {
    log.fatal({ err: error instanceof Error ? error.stack : String(error) }, 'unexpected failure');
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${NAME}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
