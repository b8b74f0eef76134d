import { describe, expect, it } from 'vitest';
import type { AlertView, DeliveryView } from '../../../web/src/api/alerts-api.js';
import type { GateHealthSummary as GateHealth } from '../../../web/src/api/health-api.js';
import type { Me } from '../../../web/src/api/types.js';
import {
  alertMarks,
  alertPlace,
  canAcknowledge,
  deliveriesByChannel,
  factEntries,
  gateSummaryRows,
  openAlertsByGate,
  sortAlerts,
} from '../../../web/src/model/alerts-view.js';
import { parseRoute, routePath, type Route } from '../../../web/src/model/routes.js';
import { minutesAgo } from './device-fixture.js';

/** An alert as the API lists it: an open offline alert at Cat Bi; override what a test needs. */
function alertView(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 'a1',
    rule: 'offline',
    severity: 'critical',
    state: 'open',
    flapping: false,
    deviceId: 'cat-bi-belt-01',
    deviceName: 'Arrivals hall, belt 1',
    gateId: 'cat-bi-airport',
    gateName: 'Cat Bi International Airport',
    zoneId: 'arrivals-hall',
    zoneName: 'Arrivals hall',
    since: minutesAgo(10),
    firedAt: minutesAgo(7),
    escalatedAt: null,
    resolvedAt: null,
    acknowledged: null,
    facts: {},
    ...overrides,
  };
}

/** Only the permissions these tests look at; the rest are nowhere. */
function me(ack: 'all' | string[]): Pick<Me, 'permissions'> {
  return { permissions: { 'alerts.ack': ack } as Me['permissions'] };
}

describe('the alerts list order', () => {
  it('puts open alerts first: critical, then escalated, then the longest standing', () => {
    const alerts = [
      alertView({ id: 'resolved-old', state: 'resolved', resolvedAt: minutesAgo(50) }),
      alertView({ id: 'warning', severity: 'warning', since: minutesAgo(300) }),
      alertView({ id: 'critical-new', since: minutesAgo(2) }),
      alertView({ id: 'resolved-new', state: 'resolved', resolvedAt: minutesAgo(5) }),
      alertView({ id: 'critical-old', since: minutesAgo(40) }),
      alertView({ id: 'critical-escalated', since: minutesAgo(1), escalatedAt: minutesAgo(0) }),
    ];
    expect(sortAlerts(alerts).map((alert) => alert.id)).toEqual([
      'critical-escalated',
      'critical-old',
      'critical-new',
      'warning',
      'resolved-new',
      'resolved-old',
    ]);
    // A copy: the list the page holds is not reordered under it.
    expect(alerts[0]!.id).toBe('resolved-old');
  });
});

describe('an alert in a row', () => {
  it('shows flapping, escalated (while open) and acknowledged marks', () => {
    expect(alertMarks(alertView())).toEqual([]);
    const acknowledged = { by: 'lan.nguyen', at: minutesAgo(1), note: null };
    expect(alertMarks(alertView({ flapping: true, escalatedAt: minutesAgo(1), acknowledged }))).toEqual([
      'flapping',
      'escalated',
      'acknowledged',
    ]);
    // Once resolved, "escalated" no longer calls anyone.
    expect(alertMarks(alertView({ state: 'resolved', escalatedAt: minutesAgo(1) }))).toEqual([]);
  });

  it('names gate, zone and screen, falling back to ids', () => {
    expect(alertPlace(alertView())).toBe(
      'Cat Bi International Airport · Arrivals hall · Arrivals hall, belt 1',
    );
    expect(alertPlace(alertView({ gateName: '', zoneName: '', deviceName: '' }))).toBe(
      'cat-bi-airport · arrivals-hall · cat-bi-belt-01',
    );
  });

  it('may be acknowledged once, while open, by someone holding alerts.ack at its gate', () => {
    expect(canAcknowledge(me(['cat-bi-airport']), alertView())).toBe(true);
    expect(canAcknowledge(me('all'), alertView())).toBe(true);
    expect(canAcknowledge(me(['hai-phong-port']), alertView())).toBe(false);
    expect(canAcknowledge(me([]), alertView())).toBe(false);
    expect(
      canAcknowledge(
        me('all'),
        alertView({ acknowledged: { by: 'minh', at: minutesAgo(1), note: 'on it' } }),
      ),
    ).toBe(false);
    expect(canAcknowledge(me('all'), alertView({ state: 'resolved' }))).toBe(false);
  });

  it('lists its facts sorted, without empty ones, each shown as what it is', () => {
    expect(
      factEntries({
        temperatureC: 84.26,
        offlineSince: '2026-11-26T08:14:00.000Z',
        freeBytes: 1536,
        missing: null,
        throttled: true,
        hdmi: 'disconnected',
      }),
    ).toEqual([
      ['freeBytes', { kind: 'text', text: '1.5 KB' }],
      ['hdmi', { kind: 'text', text: 'disconnected' }],
      ['offlineSince', { kind: 'time', iso: '2026-11-26T08:14:00.000Z' }],
      ['temperatureC', { kind: 'text', text: '84.3' }],
      ['throttled', { kind: 'yes-no', yes: true }],
    ]);
  });
});

describe('the per-gate health summary', () => {
  const health = (overrides: Partial<GateHealth>): GateHealth => ({
    gateId: 'cat-bi-airport',
    name: 'Cat Bi International Airport',
    screens: 4,
    up: 4,
    dark: 0,
    stale: 0,
    offline: 0,
    neverSeen: 0,
    ...overrides,
  });

  it('counts open alerts per gate, not resolved ones', () => {
    const counts = openAlertsByGate([
      alertView({ id: '1' }),
      alertView({ id: '2', rule: 'temperature' }),
      alertView({ id: '3', gateId: 'hai-phong-port' }),
      alertView({ id: '4', state: 'resolved' }),
    ]);
    expect(Object.fromEntries(counts)).toEqual({ 'cat-bi-airport': 2, 'hai-phong-port': 1 });
  });

  it('joins screen states with open alerts, by gate name, and flags gates that need attention', () => {
    const rows = gateSummaryRows(
      [
        health({ gateId: 'hai-phong-port', name: 'Port of Hai Phong', up: 2, offline: 1, screens: 3 }),
        health({}),
        health({ gateId: 'tan-vu', name: 'Tan Vu Terminal', up: 3, screens: 3 }),
      ],
      new Map([['tan-vu', 1]]),
    );
    expect(rows.map((row) => [row.gateId, row.openAlerts, row.attention])).toEqual([
      ['cat-bi-airport', 0, false],
      ['hai-phong-port', 0, true],
      ['tan-vu', 1, true],
    ]);
    expect(rows[1]).toMatchObject({ screens: 3, up: 2, offline: 1 });
  });
});

describe('deliveries per channel', () => {
  const delivery = (overrides: Partial<DeliveryView>): DeliveryView => ({
    id: 'd1',
    channelId: 'c1',
    channelName: 'Ops group',
    kind: 'slack',
    transitionId: 't1',
    transitionKind: 'firing',
    state: 'delivered',
    attempts: 1,
    enqueuedAt: minutesAgo(5),
    lastAttemptAt: minutesAgo(5),
    nextAttemptAt: null,
    deliveredAt: minutesAgo(5),
    lastStatus: 200,
    lastError: null,
    ...overrides,
  });

  it('groups in the order the fleet listed them, naming each channel', () => {
    const groups = deliveriesByChannel(
      [
        delivery({ id: 'd1' }),
        delivery({ id: 'd2', channelId: 'c2', channelName: '', kind: 'webhook', state: 'failed' }),
        delivery({ id: 'd3', transitionKind: 'resolved' }),
      ],
      new Map([['c2', 'Signed webhook']]),
    );
    expect(groups.map((group) => [group.channelName, group.deliveries.map((d) => d.id)])).toEqual([
      ['Ops group', ['d1', 'd3']],
      ['Signed webhook', ['d2']],
    ]);
  });
});

describe('the alerts routes', () => {
  it('reads the alerts pages, the settings before an alert id', () => {
    expect(parseRoute('/alerts')).toEqual({ page: 'alerts' });
    expect(parseRoute('/alerts/settings')).toEqual({ page: 'alert-settings' });
    expect(parseRoute('/alerts/7Zq_k-3x')).toEqual({ page: 'alert', alertId: '7Zq_k-3x' });
    expect(parseRoute('/alerts/a/b')).toEqual({ page: 'not-found' });
    expect(parseRoute('/alerts/%3Cimg%3E')).toEqual({ page: 'not-found' });
  });

  it('writes back the path it reads', () => {
    const routes: Route[] = [
      { page: 'alerts' },
      { page: 'alert-settings' },
      { page: 'alert', alertId: 'abc123' },
    ];
    for (const route of routes) expect(parseRoute(routePath(route))).toEqual(route);
  });
});
