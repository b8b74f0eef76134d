import { describe, expect, it } from 'vitest';
import { parsePowerStatus } from '../../../src/hardware/cec-output.js';

// What `cec-ctl --to 0 --give-device-power-status` prints (v4l-utils 1.22+), trimmed to the reply.
const reply = (state: string) => `Driver Info:
	Driver Name                : vc4_hdmi
Transmit from Playback Device 1 to TV (1 to 0):
GIVE_DEVICE_POWER_STATUS (0x8f)
    Received from TV (0 to 1):
    REPORT_POWER_STATUS (0x90):
	pwr-state: ${state}
	Sequence: 3 Rx Timestamp: 1234.567s
`;

describe('parsePowerStatus', () => {
  it.each([
    ['on (0x00)', 'on'],
    ['standby (0x01)', 'standby'],
    ['to-on (0x02)', 'on'],
    ['to-standby (0x03)', 'standby'],
    ['Standby (0x01)', 'standby'],
  ] as const)('reads "pwr-state: %s" as %s', (state, expected) => {
    expect(parsePowerStatus(reply(state))).toBe(expected);
  });

  it('is unknown when the TV did not answer or the output has no power state', () => {
    const timeout = `Transmit from Playback Device 1 to TV (1 to 0):
GIVE_DEVICE_POWER_STATUS (0x8f)
	Tx, Not Acknowledged (4), Max Retries`;
    expect(parsePowerStatus(timeout)).toBe('unknown');
    expect(parsePowerStatus('')).toBe('unknown');
    expect(parsePowerStatus('pwr-state: sleeping (0x07)')).toBe('unknown');
  });
});
