import type { RolloutView } from '../../rollouts/rollouts-api.js';
import { CliError, processIo, type CliIo } from '../io.js';
import { FOLLOW_EXIT, progressBlock, progressLine } from './rollout-format.js';

const POLL_MS = 1_000;
/** How long the fleet manager may be out of reach (a restart) before --follow gives up. */
const UNREACHABLE_LIMIT_MS = 60_000;

type FinalState = keyof typeof FOLLOW_EXIT;

export interface FollowOptions {
  read: () => Promise<RolloutView>;
  io: CliIo;
  json: boolean;
  pollMs?: number;
}

/**
 * Polls the rollout until it completes, pauses or is aborted, printing each change: NDJSON with
 * --json, a block redrawn in place on a terminal, else one line per change. Polling (not the event
 * stream) keeps this simple and survives a fleet restart.
 */
export async function followRollout(options: FollowOptions): Promise<void> {
  const { io, json } = options;
  // Only a real terminal can be redrawn; captured output (tests, pipes, CI logs) gets lines.
  const tty = io === processIo && process.stderr.isTTY === true;
  let lastKey = '';
  let drawnLines = 0;
  let unreachableSince: number | null = null;
  for (;;) {
    let view: RolloutView;
    try {
      view = await options.read();
      unreachableSince = null;
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode !== 4) throw error;
      if (unreachableSince === null) {
        unreachableSince = Date.now();
        io.stderr(`${error.message}; retrying\n`);
      }
      if (Date.now() - unreachableSince > UNREACHABLE_LIMIT_MS) throw error;
      await sleep(options.pollMs ?? POLL_MS);
      continue;
    }
    const key = json ? JSON.stringify(view) : progressLine(view);
    if (key !== lastKey) {
      lastKey = key;
      if (json) io.stdout(`${JSON.stringify(view)}\n`);
      else if (tty) drawnLines = redraw(io, progressBlock(view), drawnLines);
      else io.stdout(`${key}\n`);
    }
    if (isFinal(view.state)) return finish(view, view.state, io, json);
    await sleep(options.pollMs ?? POLL_MS);
  }
}

function isFinal(state: RolloutView['state']): state is FinalState {
  return state in FOLLOW_EXIT;
}

/** Completed returns; paused and aborted end as a CliError: one line on stderr and their exit code. */
function finish(view: RolloutView, state: FinalState, io: CliIo, json: boolean): void {
  if (state === 'paused')
    throw new CliError(
      `rollout ${view.id} paused: ${view.pauseReason ?? 'no reason given'}`,
      FOLLOW_EXIT.paused,
    );
  if (state === 'aborted') throw new CliError(`rollout ${view.id} aborted`, FOLLOW_EXIT.aborted);
  if (!json) io.stdout(`rollout ${view.id} completed\n`);
}

/** Moves the cursor up over the previous block, clears it, and draws the new one (on stderr). */
function redraw(io: CliIo, lines: string[], previous: number): number {
  const up = previous > 0 ? `\x1b[${previous}A\x1b[J` : '';
  io.stderr(`${up}${lines.join('\n')}\n`);
  return lines.length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
