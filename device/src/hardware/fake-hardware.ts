import { GatecastError } from '@gatecast/protocol';
import type { DisplayPowerStatus } from './cec-output.js';
import type { DisplayPower } from './display-power.js';
import type { Rebooter } from './rebooter.js';

/** A rebooter that only counts, for tests and for development machines. */
export class FakeRebooter implements Rebooter {
  reboots = 0;
  async reboot(): Promise<void> {
    this.reboots += 1;
  }
}

/** A TV in memory; `available: false` behaves like a board without `cec-ctl`. */
export class FakeDisplayPower implements DisplayPower {
  power: DisplayPowerStatus = 'on';
  constructor(private readonly available = true) {}
  async on(): Promise<void> {
    this.check();
    this.power = 'on';
  }
  async standby(): Promise<void> {
    this.check();
    this.power = 'standby';
  }
  async status(): Promise<DisplayPowerStatus> {
    this.check();
    return this.power;
  }
  private check(): void {
    if (!this.available) throw new GatecastError('HARDWARE_UNAVAILABLE', 'cec-ctl is not installed');
  }
}
