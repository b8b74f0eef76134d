import type { DeviceView } from '../api/types.js';

/** A fresh map with the updates applied in order; the last word on a device wins. */
export function applyDeviceUpdates(
  current: ReadonlyMap<string, DeviceView>,
  updates: readonly DeviceView[],
): Map<string, DeviceView> {
  const next = new Map(current);
  for (const device of updates) next.set(device.id, device);
  return next;
}

/**
 * After a full reload: the list is the base, and the stream's updates that arrived while it loaded
 * are applied on top. They are never older than the list's snapshot for long: the fleet sends a
 * trailing update for any change it folded, so the newest state always arrives last.
 */
export function fromSnapshot(list: readonly DeviceView[], sinceRequested: readonly DeviceView[]) {
  return applyDeviceUpdates(new Map(list.map((device) => [device.id, device])), sinceRequested);
}

/** The stream's payload, checked just enough to be safe to store. */
export function parseDeviceEvent(data: string): DeviceView | null {
  try {
    const value = JSON.parse(data) as Partial<DeviceView> | null;
    if (!value || typeof value.id !== 'string' || typeof value.gateId !== 'string') return null;
    if (typeof value.presence !== 'object' || value.presence === null) return null;
    return value as DeviceView;
  } catch {
    return null;
  }
}
