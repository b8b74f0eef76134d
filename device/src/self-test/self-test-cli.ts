import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GatecastError, type AgentConfig } from '@gatecast/protocol';
import { loadAgentConfig } from '../config/load-config.js';
import { formatSelfTestReport, selfTestExitCode } from './format-report.js';
import type { SelfTestProbes } from './probes.js';
import { runSelfTest } from './self-test.js';

export interface SelfTestCliOptions {
  configFile: string;
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  probes?: SelfTestProbes;
}

/**
 * `gatecast-agent --self-test --config FILE`: no MQTT, no browser, no display needed. The config
 * may be missing (a fresh image) or broken: what can run, runs, and the storage test then uses
 * the config file's directory, which is the data partition on the image.
 */
export async function runSelfTestCli(options: SelfTestCliOptions): Promise<number> {
  const env = options.env ?? process.env;
  const out = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const { config, problem } = await readConfig(options.configFile);
  const report = await runSelfTest({
    trigger: 'cli',
    config,
    configProblem: problem,
    dataDir: config?.dataDir ?? dirname(resolve(options.configFile)),
    probes: options.probes,
  });
  out(env.GATECAST_SELF_TEST_JSON === '1' ? `${JSON.stringify(report)}\n` : formatSelfTestReport(report));
  return selfTestExitCode(report);
}

/** A missing file is "not provisioned yet"; anything else wrong with it is a problem to report. */
async function readConfig(file: string): Promise<{ config: AgentConfig | null; problem: string | null }> {
  const exists = await stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
  if (!exists) return { config: null, problem: null };
  try {
    return { config: await loadAgentConfig(file), problem: null };
  } catch (error) {
    if (!(error instanceof GatecastError)) throw error;
    return { config: null, problem: error.message };
  }
}
