import { randomUUID } from 'node:crypto';
import type { DeviceEvent } from '@gatecast/protocol';
import type { Clock } from './clock.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a module says happened; the id and the time are filled in here, once. */
export type EventBody = DistributiveOmit<DeviceEvent, 'id' | 'at'>;

export function makeEvent(clock: Clock, body: EventBody): DeviceEvent {
  return { ...body, id: randomUUID(), at: clock.now().toISOString() } as DeviceEvent;
}
