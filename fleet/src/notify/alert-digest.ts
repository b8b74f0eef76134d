import type { AlertTransition } from '../alerts/alert-types.js';
import {
  COLORS,
  composeMessage,
  describeSince,
  type AlertMessage,
  type MessageContext,
} from './alert-message.js';
import type { ChannelLanguage } from './channel-model.js';
import { NOTIFY_TEXTS } from './texts/notify-texts.js';

/** One queued row on its way out: receivers deduplicate on the delivery id. */
export interface OutgoingAlert {
  deliveryId: string;
  transition: AlertTransition;
}

/** What a formatter knows about one send of one or more alerts to one channel. */
export interface BatchContext {
  /** The fleet's public address (GATECAST_PUBLIC_URL). */
  publicUrl: string;
  /** Gate id → time zone, so each "since" reads as the people at that gate read their clocks. */
  timeZones: Readonly<Record<string, string>>;
  /** The time of this attempt (the webhook signature's timestamp). */
  now: Date;
  /** The screen's latest screenshot; only ever set for a single Telegram alert. */
  screenshot?: { png: Buffer } | null;
  test?: boolean;
}

/** The per-alert context composeMessage() takes. */
export function messageContextOf(alert: OutgoingAlert, context: BatchContext): MessageContext {
  const timeZone = context.timeZones[alert.transition.gate.id];
  return {
    publicUrl: context.publicUrl,
    now: context.now,
    deliveryId: alert.deliveryId,
    ...(timeZone ? { timeZone } : {}),
    ...(context.screenshot !== undefined ? { screenshot: context.screenshot } : {}),
    ...(context.test ? { test: true } : {}),
  };
}

/** One alert as one line of a digest. */
export interface DigestLine {
  alert: OutgoingAlert;
  message: AlertMessage;
  /** 🔴 critical, 🟠 warning, ⏫ escalated, ✅ resolved: the state at a glance in a long list. */
  mark: string;
  /** "Arrivals hall · 26/11/2026, 07:55 GMT+7 (for 6 min)"; the gate too when the digest spans several. */
  where: string;
  /** The whole line as plain text, link included. */
  text: string;
}

/** Many alerts in one message: a heading, then one line per alert in the order they happened. */
export interface AlertDigest {
  heading: string;
  /** The gate's name when every alert is at the same gate. */
  gate: string | null;
  lines: DigestLine[];
  /** The dashboard's alerts page. */
  alertsLink: { label: string; url: string };
}

/** Pure: a batch of alerts in the channel's language. */
export function composeDigest(
  alerts: readonly OutgoingAlert[],
  language: ChannelLanguage,
  context: BatchContext,
): AlertDigest {
  const texts = NOTIFY_TEXTS[language];
  const gates = new Map(alerts.map(({ transition }) => [transition.gate.id, transition.gate.name]));
  const gate = gates.size === 1 ? ([...gates.values()][0] ?? null) : null;
  const heading =
    gate !== null
      ? texts.digest.atGate(alerts.length, gate)
      : texts.digest.atGates(alerts.length, gates.size);
  const lines = alerts.map((alert): DigestLine => {
    const { transition } = alert;
    const messageContext = messageContextOf(alert, context);
    const message = composeMessage(transition, language, messageContext);
    const since = describeSince(transition, texts, messageContext.timeZone);
    const place = gate === null ? `${transition.zone.name}, ${transition.gate.name}` : transition.zone.name;
    const where = `${place} · ${since}`;
    const mark = markOf(transition);
    return { alert, message, mark, where, text: `${mark} ${message.title} — ${where}\n${message.link.url}` };
  });
  const alertsLink = {
    label: texts.digest.openAlerts,
    url: `${context.publicUrl.replace(/\/+$/, '')}/alerts`,
  };
  return { heading, gate, lines, alertsLink };
}

function markOf(transition: AlertTransition): string {
  if (transition.kind === 'resolved') return '✅';
  if (transition.kind === 'escalated') return '⏫';
  return transition.severity === 'critical' ? '🔴' : '🟠';
}

/** The colour of a digest as a whole: the worst of what is still open, green when all resolved. */
export function digestColor(alerts: readonly OutgoingAlert[]): string {
  const open = alerts.filter(({ transition }) => transition.kind !== 'resolved');
  if (open.length === 0) return COLORS.resolved;
  return open.some(({ transition }) => transition.severity === 'critical') ? COLORS.critical : COLORS.warning;
}
