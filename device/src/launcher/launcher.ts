import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AgentConfig } from '@gatecast/protocol';
import { loadAgentConfig } from '../config/load-config.js';
import { configArgument, decideLaunch, type LaunchPlan } from './launch-decision.js';
import { AGENT_ENTRY, carryOut, readLaunchFacts } from './launch-steps.js';

/**
 * The stable launcher: systemd starts `node <root>/launcher.mjs --config FILE`. It ships in every
 * release but is copied to the install root once, so a broken release cannot break it. On each
 * start it counts starts of a release still in its health gate and rolls back to `previous` when
 * they pass `updates.maxStarts`, then runs `<root>/current/agent.mjs` in this same process, so
 * the agent's exit code (75: restart me) is the process's.
 */
const NAME = 'gatecast-launcher';

async function launch(argv: readonly string[]): Promise<void> {
  // Bundled as <root>/launcher.mjs: its own folder is the install root.
  const root = dirname(fileURLToPath(import.meta.url));
  const config = await readConfig(argv);
  if (config !== null) await decideAndCarryOut(root, config);
  const entry = join(root, 'current', AGENT_ENTRY);
  try {
    // Node resolves the link to releases/<version>/agent.mjs, so the agent finds its own release.json.
    await import(pathToFileURL(entry).href);
  } catch (error) {
    // Exiting lets systemd start again, and that next start is counted against the release.
    fatal(`the release in ${entry} failed to start: ${describe(error)}`);
  }
}

/** A broken or missing config is the agent's to report, clearly, so the launcher just steps aside. */
async function readConfig(argv: readonly string[]): Promise<AgentConfig | null> {
  const file = configArgument(argv);
  if (file === null) return null;
  return loadAgentConfig(file).catch(() => null);
}

async function decideAndCarryOut(root: string, config: AgentConfig): Promise<void> {
  let plan: LaunchPlan;
  try {
    const facts = await readLaunchFacts(root, config.dataDir, config.updates.maxStarts, new Date());
    plan = decideLaunch(facts);
    await carryOut(plan, root, config.dataDir);
  } catch (error) {
    // The bookkeeping failed (a full or read-only data partition): a gate showing the current
    // release beats a dark one, and the agent reports the disk itself.
    logLine(50, { decision: 'error' }, `could not check the update state: ${describe(error)}`);
    return;
  }
  if (plan.action === 'fail') fatal(plan.reason);
  if (plan.action === 'roll-back') {
    logLine(40, { decision: plan.action, from: plan.from, release: plan.to }, `rolled back: ${plan.reason}`);
  } else {
    const starts = plan.action === 'count-start' ? { starts: plan.record.starts } : {};
    logLine(
      30,
      { decision: plan.action, release: plan.release, ...starts },
      `starting ${plan.release}: ${plan.reason}`,
    );
  }
}

/** One JSON line in pino's shape, so the journal reads like the agent's own log. */
function logLine(level: number, fields: Record<string, unknown>, msg: string): void {
  const line = { level, time: Date.now(), pid: process.pid, name: NAME, ...fields, msg };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function fatal(message: string): never {
  console.error(`${NAME}: ${message}`);
  process.exit(1);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}

await launch(process.argv.slice(2));
