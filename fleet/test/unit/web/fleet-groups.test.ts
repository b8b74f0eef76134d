import { describe, expect, it } from 'vitest';
import type { Gate } from '../../../web/src/api/types.js';
import {
  flattenGroups,
  foldForSearch,
  groupFleet,
  type DeviceFilter,
} from '../../../web/src/model/fleet-groups.js';
import { NOW, deviceView, minutesAgo } from './device-fixture.js';

const GATES: Gate[] = [
  {
    id: 'hai-phong-port',
    name: 'Cảng Hải Phòng',
    timeZone: 'Asia/Ho_Chi_Minh',
    languages: ['vi'],
    createdAt: minutesAgo(1000),
    zones: [
      {
        id: 'passenger-terminal',
        gateId: 'hai-phong-port',
        name: 'Passenger terminal',
        createdAt: minutesAgo(1000),
      },
    ],
  },
  {
    id: 'cat-bi-airport',
    name: 'Cat Bi International Airport',
    timeZone: 'Asia/Ho_Chi_Minh',
    languages: ['vi', 'en'],
    createdAt: minutesAgo(1000),
    zones: [
      { id: 'check-in', gateId: 'cat-bi-airport', name: 'Check-in', createdAt: minutesAgo(1000) },
      { id: 'arrivals-hall', gateId: 'cat-bi-airport', name: 'Arrivals hall', createdAt: minutesAgo(1000) },
    ],
  },
];

const DEVICES = [
  deviceView({ id: 'cat-bi-belt-10', name: 'Belt 10' }),
  deviceView({ id: 'cat-bi-belt-02', name: 'Belt 2', agentVersion: '0.2.0' }),
  deviceView({
    id: 'cat-bi-checkin-01',
    name: 'Counter 1',
    zoneId: 'check-in',
    presence: { state: 'offline', since: minutesAgo(10), lastSeenAt: minutesAgo(10) },
    inSync: false,
  }),
  deviceView({
    id: 'port-entrance-01',
    name: 'Entrance',
    gateId: 'hai-phong-port',
    zoneId: 'passenger-terminal',
    presence: { state: 'online', since: minutesAgo(60), lastSeenAt: minutesAgo(5) },
  }),
  deviceView({
    id: 'port-new-01',
    name: 'Not installed yet',
    gateId: 'hai-phong-port',
    zoneId: 'customs',
    presence: { state: 'never-seen', since: null, lastSeenAt: null },
    inSync: false,
  }),
];

const ALL: DeviceFilter = { text: '', state: 'all' };

describe('groupFleet', () => {
  it('groups by gate and zone, sorted by name (numbers in names in numeric order)', () => {
    const { gates } = groupFleet(DEVICES, GATES, ALL, NOW);
    expect(gates.map((gate) => gate.name)).toEqual(['Cảng Hải Phòng', 'Cat Bi International Airport']);
    const catBi = gates[1]!;
    expect(catBi.zones.map((zone) => zone.name)).toEqual(['Arrivals hall', 'Check-in']);
    expect(catBi.zones[0]!.devices.map((listed) => listed.device.name)).toEqual(['Belt 2', 'Belt 10']);
  });

  it('counts every state at every level', () => {
    const { gates, all, shown } = groupFleet(DEVICES, GATES, ALL, NOW);
    expect(all).toEqual({ total: 5, online: 2, stale: 1, offline: 1, neverSeen: 1, outOfSync: 2 });
    expect(shown).toEqual(all);
    expect(gates[0]!.counts).toEqual({
      total: 2,
      online: 0,
      stale: 1,
      offline: 0,
      neverSeen: 1,
      outOfSync: 1,
    });
    expect(gates[1]!.zones[1]!.counts).toMatchObject({ total: 1, offline: 1, outOfSync: 1 });
  });

  it('groups devices of a zone or gate it has no name for under their ids', () => {
    const { gates } = groupFleet(
      [deviceView({ gateId: 'do-son-port', zoneId: 'pier-1', id: 'do-son-01' })],
      GATES,
      ALL,
      NOW,
    );
    expect(gates.map((gate) => [gate.name, gate.zones.map((zone) => zone.name)])).toEqual([
      ['do-son-port', ['pier-1']],
    ]);
    const port = groupFleet(DEVICES, GATES, ALL, NOW).gates[0]!;
    expect(port.zones.map((zone) => zone.name)).toEqual(['customs', 'Passenger terminal']);
  });

  it('filters by words in any order, ignoring case and Vietnamese diacritics, in names, ids, versions and places', () => {
    const names = (filter: DeviceFilter) =>
      groupFleet(DEVICES, GATES, filter, NOW).gates.flatMap((gate) =>
        gate.zones.flatMap((zone) => zone.devices.map((listed) => listed.device.id)),
      );
    expect(names({ text: 'hai phong', state: 'all' })).toEqual(['port-new-01', 'port-entrance-01']);
    expect(names({ text: 'BELT 2', state: 'all' })).toEqual(['cat-bi-belt-02']);
    expect(names({ text: '0.2.0', state: 'all' })).toEqual(['cat-bi-belt-02']);
    expect(names({ text: 'check-in counter', state: 'all' })).toEqual(['cat-bi-checkin-01']);
    expect(names({ text: 'nothing like this', state: 'all' })).toEqual([]);
  });

  it('filters by state, and by out of sync', () => {
    const ids = (state: DeviceFilter['state']) =>
      groupFleet(DEVICES, GATES, { text: '', state }, NOW).gates.flatMap((gate) =>
        gate.zones.flatMap((zone) => zone.devices.map((listed) => listed.device.id)),
      );
    expect(ids('offline')).toEqual(['cat-bi-checkin-01']);
    expect(ids('stale')).toEqual(['port-entrance-01']);
    expect(ids('never-seen')).toEqual(['port-new-01']);
    expect(ids('out-of-sync').sort()).toEqual(['cat-bi-checkin-01', 'port-new-01']);
    const filtered = groupFleet(DEVICES, GATES, { text: '', state: 'offline' }, NOW);
    expect(filtered.shown.total).toBe(1);
    expect(filtered.all.total).toBe(5);
  });

  it('groups and filters thousands of screens in one pass', () => {
    const many = Array.from({ length: 5_000 }, (_, i) =>
      deviceView({ id: `screen-${i}`, name: `Screen ${i}`, zoneId: i % 2 ? 'arrivals-hall' : 'check-in' }),
    );
    const groups = groupFleet(many, GATES, { text: 'screen-4', state: 'all' }, NOW);
    const rows = flattenGroups(groups.gates, new Set());
    // screen-4, screen-40…49, screen-400…499, screen-4000…4999
    expect(groups.shown.total).toBe(1_111);
    expect(groups.all.total).toBe(5_000);
    expect(rows.filter((row) => row.kind === 'device')).toHaveLength(1_111);
  });
});

describe('flattenGroups', () => {
  it('lists gate, zone and device rows in order, leaving out what is collapsed', () => {
    const { gates } = groupFleet(DEVICES, GATES, ALL, NOW);
    const kinds = (collapsed: string[]) =>
      flattenGroups(gates, new Set(collapsed)).map((row) => `${row.kind}:${row.key}`);
    expect(kinds([])).toEqual([
      'gate:gate:hai-phong-port',
      'zone:zone:hai-phong-port/customs',
      'device:port-new-01',
      'zone:zone:hai-phong-port/passenger-terminal',
      'device:port-entrance-01',
      'gate:gate:cat-bi-airport',
      'zone:zone:cat-bi-airport/arrivals-hall',
      'device:cat-bi-belt-02',
      'device:cat-bi-belt-10',
      'zone:zone:cat-bi-airport/check-in',
      'device:cat-bi-checkin-01',
    ]);
    expect(kinds(['gate:hai-phong-port', 'zone:cat-bi-airport/arrivals-hall'])).toEqual([
      'gate:gate:hai-phong-port',
      'gate:gate:cat-bi-airport',
      'zone:zone:cat-bi-airport/arrivals-hall',
      'zone:zone:cat-bi-airport/check-in',
      'device:cat-bi-checkin-01',
    ]);
  });
});

describe('foldForSearch', () => {
  it('drops case and diacritics, including đ', () => {
    expect(foldForSearch('Cảng Hải Phòng')).toBe('cang hai phong');
    expect(foldForSearch('Đồ Sơn')).toBe('do son');
  });
});
