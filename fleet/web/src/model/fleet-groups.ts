import type { DeviceView, Gate } from '../api/types.js';
import { screenStatus, type ScreenState, type ScreenStatus } from './screen-state.js';

export type StateFilter = 'all' | ScreenState | 'out-of-sync';

export interface DeviceFilter {
  text: string;
  state: StateFilter;
}

export interface Counts {
  total: number;
  online: number;
  stale: number;
  offline: number;
  neverSeen: number;
  outOfSync: number;
}

export interface ListedDevice {
  device: DeviceView;
  status: ScreenStatus;
}

export interface ZoneGroup {
  key: string;
  gateId: string;
  zoneId: string;
  name: string;
  devices: ListedDevice[];
  counts: Counts;
}

export interface GateGroup {
  key: string;
  gateId: string;
  name: string;
  zones: ZoneGroup[];
  counts: Counts;
}

export interface FleetGroups {
  gates: GateGroup[];
  /** Over every device the caller may see, before the filter. */
  all: Counts;
  /** Over the devices that pass the filter. */
  shown: Counts;
}

export function emptyCounts(): Counts {
  return { total: 0, online: 0, stale: 0, offline: 0, neverSeen: 0, outOfSync: 0 };
}

export function addToCounts(counts: Counts, listed: ListedDevice): void {
  counts.total += 1;
  const { state } = listed.status;
  if (state === 'never-seen') counts.neverSeen += 1;
  else counts[state] += 1;
  if (!listed.device.inSync) counts.outOfSync += 1;
}

/** Lower case without diacritics, so "cat bi" finds "Cát Bi" and "hai phong" finds "Hải Phòng". */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

export function matchesFilter(listed: ListedDevice, filter: DeviceFilter, placeNames: string): boolean {
  const { device, status } = listed;
  if (filter.state === 'out-of-sync' && device.inSync) return false;
  if (filter.state !== 'all' && filter.state !== 'out-of-sync' && status.state !== filter.state) return false;
  const words = foldForSearch(filter.text).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = foldForSearch([device.name, device.id, device.agentVersion ?? '', placeNames].join(' '));
  return words.every((word) => haystack.includes(word));
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });

/**
 * Devices grouped by gate, then zone, sorted by name, with counts at every level. Gates and zones
 * the caller cannot read by name still group their devices under their ids.
 */
export function groupFleet(
  devices: Iterable<DeviceView>,
  gates: readonly Gate[],
  filter: DeviceFilter,
  nowMs: number,
): FleetGroups {
  const gateById = new Map(gates.map((gate) => [gate.id, gate]));
  const groups = new Map<string, GateGroup>();
  const all = emptyCounts();
  const shown = emptyCounts();
  for (const device of devices) {
    const listed = { device, status: screenStatus(device, nowMs) };
    addToCounts(all, listed);
    const gate = gateById.get(device.gateId);
    const zoneName = gate?.zones.find((zone) => zone.id === device.zoneId)?.name ?? device.zoneId;
    const gateName = gate?.name ?? device.gateId;
    if (!matchesFilter(listed, filter, `${gateName} ${zoneName}`)) continue;
    addToCounts(shown, listed);
    const gateGroup = groupFor(groups, device.gateId, gateName);
    addToCounts(gateGroup.counts, listed);
    const zone = zoneFor(gateGroup, device.zoneId, zoneName);
    addToCounts(zone.counts, listed);
    zone.devices.push(listed);
  }
  const sorted = [...groups.values()].sort(byName);
  for (const gate of sorted) {
    gate.zones.sort(byName);
    for (const zone of gate.zones)
      zone.devices.sort((a, b) => byName(a.device, b.device) || a.device.id.localeCompare(b.device.id));
  }
  return { gates: sorted, all, shown };
}

function groupFor(groups: Map<string, GateGroup>, gateId: string, name: string): GateGroup {
  let group = groups.get(gateId);
  if (!group) {
    group = { key: `gate:${gateId}`, gateId, name, zones: [], counts: emptyCounts() };
    groups.set(gateId, group);
  }
  return group;
}

function zoneFor(gate: GateGroup, zoneId: string, name: string): ZoneGroup {
  let zone = gate.zones.find((candidate) => candidate.zoneId === zoneId);
  if (!zone) {
    const key = `zone:${gate.gateId}/${zoneId}`;
    zone = { key, gateId: gate.gateId, zoneId, name, devices: [], counts: emptyCounts() };
    gate.zones.push(zone);
  }
  return zone;
}

export type OverviewRow =
  | { kind: 'gate'; key: string; group: GateGroup; collapsed: boolean }
  | { kind: 'zone'; key: string; group: ZoneGroup; collapsed: boolean }
  | { kind: 'device'; key: string; listed: ListedDevice };

/** The grouped fleet as one flat list of rows, for a list that renders only what is on screen. */
export function flattenGroups(groups: readonly GateGroup[], collapsed: ReadonlySet<string>): OverviewRow[] {
  const rows: OverviewRow[] = [];
  for (const gate of groups) {
    const gateCollapsed = collapsed.has(gate.key);
    rows.push({ kind: 'gate', key: gate.key, group: gate, collapsed: gateCollapsed });
    if (gateCollapsed) continue;
    for (const zone of gate.zones) {
      const zoneCollapsed = collapsed.has(zone.key);
      rows.push({ kind: 'zone', key: zone.key, group: zone, collapsed: zoneCollapsed });
      if (zoneCollapsed) continue;
      for (const listed of zone.devices) rows.push({ kind: 'device', key: listed.device.id, listed });
    }
  }
  return rows;
}
