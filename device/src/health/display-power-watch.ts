import type { DisplayPower } from '../hardware/display-power.js';

/**
 * The TV's power edge, telling the change watcher when it was switched: CEC status takes a
 * process and seconds, too slow to poll, but the agent knows when it switched the TV itself.
 */
export function notifyingDisplayPower(
  power: DisplayPower,
  onSwitched: (reason: string) => void,
): DisplayPower {
  return {
    async on() {
      await power.on();
      onSwitched('display on');
    },
    async standby() {
      await power.standby();
      onSwitched('display standby');
    },
    status: () => power.status(),
  };
}
