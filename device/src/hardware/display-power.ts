import type { Logger } from 'pino';
import { parsePowerStatus, type DisplayPowerStatus } from './cec-output.js';
import { runTool } from './run-tool.js';

/** The edge that switches the TV over HDMI-CEC. */
export interface DisplayPower {
  on(): Promise<void>;
  standby(): Promise<void>;
  status(): Promise<DisplayPowerStatus>;
}

/** HDMI-CEC through v4l-utils' `cec-ctl`; logical address 0 is the TV. */
export function createCecDisplayPower(log: Logger, cecCtl = 'cec-ctl'): DisplayPower {
  const cecLog = log.child({ mod: 'display-power' });
  return {
    async on() {
      cecLog.info('display on');
      await runTool(cecCtl, ['--to', '0', '--image-view-on']);
    },
    async standby() {
      cecLog.info('display to standby');
      await runTool(cecCtl, ['--to', '0', '--standby']);
    },
    async status() {
      const { stdout } = await runTool(cecCtl, ['--to', '0', '--give-device-power-status']);
      return parsePowerStatus(stdout);
    },
  };
}
