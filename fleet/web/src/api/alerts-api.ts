import type {
  AlertFacts,
  AlertRule,
  AlertSeverity,
  TransitionKind,
} from '../../../src/alerts/alert-types.js';
import type {
  PolicyOverride as OverrideBody,
  ResolvedPolicy,
  RuleSettings,
} from '../../../src/alerts/alert-policy.js';
import type { DailyWindow } from '../../../src/alerts/daily-window.js';
import { queryString, type ApiClient } from './client.js';

/** Rules, severities and transition kinds are the fleet's own definitions, not a copy. */
export { ALERT_RULES, ALERT_SEVERITIES } from '../../../src/alerts/alert-types.js';
export type { AlertFacts, AlertRule, AlertSeverity, TransitionKind };

// The alerts and channels APIs as the dashboard reads them (see /api/v1/openapi.json).

export type AlertState = 'open' | 'resolved';
export type AlertStateFilter = AlertState | 'all';

export interface AlertView {
  id: string;
  rule: AlertRule;
  severity: AlertSeverity;
  state: AlertState;
  flapping: boolean;
  deviceId: string;
  deviceName: string;
  gateId: string;
  gateName: string;
  zoneId: string;
  zoneName: string;
  since: string;
  firedAt: string;
  escalatedAt: string | null;
  resolvedAt: string | null;
  acknowledged: { by: string; at: string; note: string | null } | null;
  facts: AlertFacts;
}

export interface AlertTransitionView {
  id: string;
  kind: TransitionKind;
  at: string;
  facts: AlertFacts;
  /** sent: handed to the chat channels; held: waiting for quiet hours to end; suppressed: never sent. */
  notified?: 'sent' | 'held' | 'suppressed';
}

export interface AlertDetail extends AlertView {
  transitions: AlertTransitionView[];
}

export interface AlertPage {
  alerts: AlertView[];
  /** Newest `firedAt` first. Pass back as `before` for the next (older) page; null at the end. */
  nextBefore: string | null;
}

export interface AlertQuery {
  state: AlertStateFilter;
  gateId?: string;
  limit?: number;
  before?: string | null;
}

export function listAlerts(api: ApiClient, query: AlertQuery): Promise<AlertPage> {
  return api.get(`/api/v1/alerts${queryString({ ...query })}`);
}

export function getAlert(api: ApiClient, alertId: string): Promise<AlertDetail> {
  return api.get(`/api/v1/alerts/${encodeURIComponent(alertId)}`);
}

export function acknowledgeAlert(api: ApiClient, alertId: string, note: string): Promise<AlertView> {
  const body = note.trim() === '' ? {} : { note: note.trim() };
  return api.send('POST', `/api/v1/alerts/${encodeURIComponent(alertId)}/ack`, body);
}

// ---- policies: the fleet's own types ----

export type { DailyWindow, ResolvedPolicy, RuleSettings };

/** A gate's or zone's override: only what it changes; absent = inherit, null hours = none at this level. */
export type PolicyBody = OverrideBody;

export interface PolicyOverride extends OverrideBody {
  gateId: string;
  zoneId: string | null;
  updatedAt?: string;
  updatedBy?: string | null;
}

export interface PolicySet {
  defaults: ResolvedPolicy;
  overrides: PolicyOverride[];
}

export function getPolicies(api: ApiClient): Promise<PolicySet> {
  return api.get('/api/v1/alert-policies');
}

function policyPath(gateId: string, zoneId: string | null): string {
  const gate = `/api/v1/alert-policies/${encodeURIComponent(gateId)}`;
  return zoneId === null ? gate : `${gate}/zones/${encodeURIComponent(zoneId)}`;
}

export function putPolicy(
  api: ApiClient,
  gateId: string,
  zoneId: string | null,
  body: PolicyBody,
): Promise<unknown> {
  return api.send('PUT', policyPath(gateId, zoneId), body);
}

export function removePolicy(api: ApiClient, gateId: string, zoneId: string | null): Promise<unknown> {
  return api.send('DELETE', policyPath(gateId, zoneId));
}

// ---- channels and deliveries ----

export const CHANNEL_KINDS = ['slack', 'teams', 'google-chat', 'telegram', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type ChannelLanguage = 'vi' | 'en';

export interface DeliveryResult {
  at: string;
  ok: boolean;
  status: number | null;
  error: string | null;
}

export interface ChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  language: ChannelLanguage;
  /** null: every gate. */
  gateIds: string[] | null;
  minSeverity: AlertSeverity;
  enabled: boolean;
  /** The target's host only: URLs and secrets never come back whole. */
  target: string;
  createdAt: string;
  queued: number;
  lastDelivery: DeliveryResult | null;
}

/** A new channel as the form sends it: url for the webhooks, bot token and chat id for Telegram. */
export interface NewChannel {
  kind: ChannelKind;
  name: string;
  language: ChannelLanguage;
  gateIds: string[] | null;
  minSeverity: AlertSeverity;
  url?: string;
  secret?: string;
  botToken?: string;
  chatId?: string;
}

export interface DeliveryView {
  id: string;
  channelId: string;
  channelName: string;
  kind: ChannelKind;
  transitionId: string;
  transitionKind: TransitionKind;
  state: 'queued' | 'delivered' | 'failed';
  attempts: number;
  enqueuedAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

export async function listChannels(api: ApiClient): Promise<ChannelView[]> {
  return (await api.get<{ channels: ChannelView[] }>('/api/v1/alert-channels')).channels;
}

/** A webhook channel created without a secret gets one, returned here once. */
export function createChannel(
  api: ApiClient,
  channel: NewChannel,
): Promise<{ channel: ChannelView; secret?: string }> {
  return api.send('POST', '/api/v1/alert-channels', channel);
}

export function updateChannel(
  api: ApiClient,
  channelId: string,
  change: Partial<Pick<ChannelView, 'enabled' | 'name' | 'language' | 'gateIds' | 'minSeverity'>>,
): Promise<{ channel: ChannelView }> {
  return api.send('PATCH', `/api/v1/alert-channels/${encodeURIComponent(channelId)}`, change);
}

export function removeChannel(api: ApiClient, channelId: string): Promise<unknown> {
  return api.send('DELETE', `/api/v1/alert-channels/${encodeURIComponent(channelId)}`);
}

export function testChannel(api: ApiClient, channelId: string): Promise<DeliveryResult> {
  return api.send('POST', `/api/v1/alert-channels/${encodeURIComponent(channelId)}/test`);
}

export async function listDeliveries(api: ApiClient, alertId: string): Promise<DeliveryView[]> {
  return (
    await api.get<{ deliveries: DeliveryView[] }>(`/api/v1/alert-deliveries${queryString({ alertId })}`)
  ).deliveries;
}
