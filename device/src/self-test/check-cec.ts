import { readdir } from 'node:fs/promises';
import type { DisplayPower } from '../hardware/display-power.js';
import { describeError, type CheckOutcome } from './probes.js';

/**
 * Whether the screen can switch the TV: an HDMI-CEC adapter (`/dev/cec*`) and a TV that answers
 * a power-status query. Boards without CEC are skipped, not failed; a silent TV is a warning,
 * since the screen still shows content, only its power cannot be scheduled.
 */
export async function checkCec(devRoot: string, cec: DisplayPower): Promise<CheckOutcome> {
  const adapters = ((await readdir(devRoot).catch(() => [])) as string[])
    .filter((name) => /^cec\d+$/.test(name))
    .sort();
  if (adapters.length === 0) return { status: 'skipped', summary: 'no HDMI-CEC adapter on this board' };
  const details = { adapters: adapters.join(', ') };
  let power: Awaited<ReturnType<DisplayPower['status']>>;
  try {
    power = await cec.status();
  } catch (error) {
    return { status: 'warn', summary: `cannot ask the TV over HDMI-CEC: ${describeError(error)}`, details };
  }
  if (power === 'unknown') {
    return {
      status: 'warn',
      summary:
        "the TV does not answer HDMI-CEC: turn CEC on in the TV's menu (Anynet+, SimpLink, Bravia Sync, CEC)",
      details: { ...details, power },
    };
  }
  return {
    status: 'pass',
    summary: `the TV answers HDMI-CEC (power: ${power})`,
    details: { ...details, power },
  };
}
