import type { AlertFacts, AlertView, DeliveryView } from '../api/alerts-api.js';
import type { GateHealthSummary as GateHealth } from '../api/health-api.js';
import type { Me } from '../api/types.js';
import { formatBytes } from './format.js';
import { allows } from './permissions.js';

const SEVERITY_ORDER = { critical: 0, warning: 1 } as const;

/**
 * Open alerts first, the worst on top: critical before warning, escalated before the rest, the
 * longest-standing first. Resolved ones after them, the most recently resolved first.
 */
export function sortAlerts(alerts: readonly AlertView[]): AlertView[] {
  return [...alerts].sort((a, b) => {
    if (a.state !== b.state) return a.state === 'open' ? -1 : 1;
    if (a.state === 'resolved') return (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '');
    const severity = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
    if (severity !== 0) return severity;
    const escalated = Number(b.escalatedAt !== null) - Number(a.escalatedAt !== null);
    if (escalated !== 0) return escalated;
    return a.since.localeCompare(b.since);
  });
}

export type AlertMark = 'flapping' | 'escalated' | 'acknowledged';

/** The small marks beside an alert, in the order they are shown. */
export function alertMarks(alert: AlertView): AlertMark[] {
  const marks: AlertMark[] = [];
  if (alert.flapping) marks.push('flapping');
  if (alert.escalatedAt !== null && alert.state === 'open') marks.push('escalated');
  if (alert.acknowledged !== null) marks.push('acknowledged');
  return marks;
}

/** Whether this user may acknowledge this alert now (the fleet checks again). */
export function canAcknowledge(me: Pick<Me, 'permissions'>, alert: AlertView): boolean {
  return alert.state === 'open' && alert.acknowledged === null && allows(me, 'alerts.ack', alert.gateId);
}

/** "Cat Bi International Airport · Arrivals hall · Belt 1", names before ids. */
export function alertPlace(alert: AlertView): string {
  return [alert.gateName || alert.gateId, alert.zoneName || alert.zoneId, alert.deviceName || alert.deviceId]
    .filter((part) => part !== '')
    .join(' · ');
}

export type FactValue =
  { kind: 'time'; iso: string } | { kind: 'yes-no'; yes: boolean } | { kind: 'text'; text: string };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** How to show one fact: times in the reader's format, yes/no in words, bytes and numbers readable. */
export function factValue(key: string, value: string | number | boolean): FactValue {
  if (typeof value === 'boolean') return { kind: 'yes-no', yes: value };
  if (typeof value === 'string')
    return ISO_TIME.test(value) ? { kind: 'time', iso: value } : { kind: 'text', text: value };
  if (key.endsWith('Bytes')) return { kind: 'text', text: formatBytes(value) };
  return { kind: 'text', text: String(Math.round(value * 10) / 10) };
}

/** Facts in a stable order, without empty ones. */
export function factEntries(facts: AlertFacts): Array<[string, FactValue]> {
  return Object.keys(facts)
    .sort()
    .flatMap((key): Array<[string, FactValue]> => {
      const value = facts[key];
      return value === null || value === undefined ? [] : [[key, factValue(key, value)]];
    });
}

/** Open alerts per gate id. */
export function openAlertsByGate(alerts: readonly AlertView[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const alert of alerts) {
    if (alert.state !== 'open') continue;
    counts.set(alert.gateId, (counts.get(alert.gateId) ?? 0) + 1);
  }
  return counts;
}

export interface GateSummaryRow extends GateHealth {
  openAlerts: number;
  /** Anything for a person on duty to look at: dark, stale, offline screens or open alerts. */
  attention: boolean;
}

/** The overview's per-gate rows: the gate's screen states with its open alerts, by gate name. */
export function gateSummaryRows(
  health: readonly GateHealth[],
  openAlerts: ReadonlyMap<string, number>,
): GateSummaryRow[] {
  return [...health]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((gate) => {
      const open = openAlerts.get(gate.gateId) ?? 0;
      return {
        ...gate,
        openAlerts: open,
        attention: gate.dark + gate.stale + gate.offline + open > 0,
      };
    });
}

export interface ChannelDeliveries {
  channelId: string;
  channelName: string;
  deliveries: DeliveryView[];
}

/** An alert's deliveries grouped by channel, in the order the fleet listed them. */
export function deliveriesByChannel(
  deliveries: readonly DeliveryView[],
  channelNames: ReadonlyMap<string, string>,
): ChannelDeliveries[] {
  const groups = new Map<string, ChannelDeliveries>();
  for (const delivery of deliveries) {
    let group = groups.get(delivery.channelId);
    if (!group) {
      const name = delivery.channelName || (channelNames.get(delivery.channelId) ?? delivery.channelId);
      group = { channelId: delivery.channelId, channelName: name, deliveries: [] };
      groups.set(delivery.channelId, group);
    }
    group.deliveries.push(delivery);
  }
  return [...groups.values()];
}
