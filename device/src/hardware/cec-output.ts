export type DisplayPowerStatus = 'on' | 'standby' | 'unknown';

/**
 * The TV's power status from `cec-ctl --give-device-power-status` output, which reports the
 * REPORT_POWER_STATUS reply as e.g. `pwr-state: on (0x00)`. Transitions count as the state they
 * lead to; anything else (no reply, a TV without CEC) is unknown.
 */
export function parsePowerStatus(output: string): DisplayPowerStatus {
  const match = /pwr-state:\s*([a-z-]+)/i.exec(output);
  const state = match?.[1]?.toLowerCase();
  if (state === 'on' || state === 'to-on') return 'on';
  if (state === 'standby' || state === 'to-standby') return 'standby';
  return 'unknown';
}
