import type { AlertFacts, AlertTransition } from '../alerts/alert-types.js';
import type { ChannelLanguage } from './channel-model.js';
import { NOTIFY_TEXTS, type NotifyTexts } from './texts/notify-texts.js';

/** What a formatter knows besides the transition and the channel; gathered by the outbox. */
export interface MessageContext {
  /** The fleet's public address (GATECAST_PUBLIC_URL); links go to `<publicUrl>/devices/<id>`. */
  publicUrl: string;
  /** The gate's time zone, so "since" reads as the people at the gate read their clocks. */
  timeZone?: string;
  /** The time of this attempt (the webhook signature's timestamp). */
  now: Date;
  /** Stable across retries of one row: receivers deduplicate on it. */
  deliveryId: string;
  /** The screen's latest screenshot, for channels that can attach one (Telegram). */
  screenshot?: { png: Buffer } | null;
  /** A test message sent from the API or CLI, not a real alert. */
  test?: boolean;
}

export interface MessageField {
  label: string;
  value: string;
  /** Short fields sit side by side where the service supports it. */
  short: boolean;
}

/** One alert, in words, independent of any chat service's layout. */
export interface AlertMessage {
  title: string;
  fields: MessageField[];
  link: { label: string; url: string };
  /** Hex colour: red for critical, amber for warning, green once resolved. */
  color: string;
  /** The whole message as plain text, for fallbacks, captions and the generic webhook. */
  text: string;
}

export const COLORS = {
  critical: '#D32F2F',
  warning: '#F9A825',
  resolved: '#2E7D32',
  test: '#1565C0',
} as const;

/** Pure: a transition in the channel's language. */
export function composeMessage(
  transition: AlertTransition,
  language: ChannelLanguage,
  context: MessageContext,
): AlertMessage {
  const texts = NOTIFY_TEXTS[language];
  const link = {
    label: texts.openScreen,
    url: `${context.publicUrl.replace(/\/+$/, '')}/devices/${encodeURIComponent(transition.device.id)}`,
  };
  if (context.test) {
    const title = texts.test.title;
    return { title, fields: [], link, color: COLORS.test, text: `${title}\n${texts.test.body}\n${link.url}` };
  }
  const rule = texts.rules[transition.rule];
  const severity = texts.severities[transition.severity];
  const title =
    transition.kind === 'resolved'
      ? `${texts.kinds.resolved}: ${rule} · ${transition.device.name}`
      : `${texts.kinds[transition.kind]} · ${severity}: ${rule} · ${transition.device.name}`;
  const since = describeSince(transition, texts, context.timeZone);
  const fields: MessageField[] = [
    { label: texts.labels.gate, value: transition.gate.name, short: true },
    { label: texts.labels.zone, value: transition.zone.name, short: true },
    { label: texts.labels.screen, value: `${transition.device.name} (${transition.device.id})`, short: true },
    { label: texts.labels.since, value: since, short: true },
    { label: texts.labels.status, value: statusOf(transition, texts), short: false },
  ];
  const details = describeFacts(transition.facts, texts, context.timeZone);
  if (details) fields.push({ label: texts.labels.details, value: details, short: false });
  const color = transition.kind === 'resolved' ? COLORS.resolved : COLORS[transition.severity];
  const text = [title, ...fields.map((field) => `${field.label}: ${field.value}`), link.url].join('\n');
  return { title, fields, link, color, text };
}

/** "26/11/2026, 08:02 GMT+7 (for 12 min)"; a resolved alert says how long it lasted. */
export function describeSince(transition: AlertTransition, texts: NotifyTexts, timeZone?: string): string {
  const duration = describeDuration(transition.since, transition.at, texts);
  return `${formatTime(transition.since, texts, timeZone)} (${
    transition.kind === 'resolved' ? texts.lastedFor(duration) : texts.openFor(duration)
  })`;
}

function statusOf(transition: AlertTransition, texts: NotifyTexts): string {
  const parts = [
    transition.kind === 'resolved'
      ? texts.resolved
      : transition.kind === 'escalated'
        ? texts.escalated
        : texts.open,
  ];
  if (transition.flapping) parts.push(texts.flapping);
  return parts.join('. ');
}

/** Facts that mean something to the system only. */
const HIDDEN_FACTS = new Set(['checkedAt', 'eventId']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** "Temperature: 84 °C · Limit: 80 °C"; facts the texts do not know are shown by their key. */
export function describeFacts(facts: AlertFacts, texts: NotifyTexts, timeZone?: string): string {
  return Object.entries(facts)
    .filter(([key, value]) => value !== null && value !== '' && !HIDDEN_FACTS.has(key))
    .map(([key, value]) => {
      const known = texts.facts[key];
      if (key === 'freeBytes' && typeof value === 'number')
        return `${known?.label ?? key}: ${formatBytes(value)}`;
      const unit = known?.unit ? (known.unit === '%' ? known.unit : ` ${known.unit}`) : '';
      return `${known?.label ?? key}: ${describeValue(value, texts, timeZone)}${unit}`;
    })
    .join(' · ');
}

function describeValue(
  value: string | number | boolean | null,
  texts: NotifyTexts,
  timeZone?: string,
): string {
  if (typeof value === 'boolean') return value ? texts.yes : texts.no;
  if (typeof value === 'number') return String(Math.round(value * 10) / 10);
  const text = String(value);
  if (ISO_TIME.test(text) && !Number.isNaN(Date.parse(text))) return formatTime(text, texts, timeZone);
  return texts.values[text] ?? text;
}

/** Screens have SD cards of a few GB: one decimal is enough. */
function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(0, Math.round(bytes / 1e3))} kB`;
}

/** "12 min", "3 h 5 min", "2 d 4 h": long enough to read at a glance. */
export function describeDuration(fromIso: string, toIso: string, texts: NotifyTexts): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  const { units } = texts;
  if (minutes < 60) return `${minutes} ${units.minutes}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48)
    return minutes % 60 === 0
      ? `${hours} ${units.hours}`
      : `${hours} ${units.hours} ${minutes % 60} ${units.minutes}`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} ${units.days}` : `${days} ${units.days} ${hours % 24} ${units.hours}`;
}

export function formatTime(iso: string, texts: NotifyTexts, timeZone?: string): string {
  try {
    return dateFormat(texts.locale, timeZone ?? 'UTC').format(new Date(iso));
  } catch {
    // An unknown zone name must not cost the alert; UTC is still a correct time.
    return dateFormat(texts.locale, 'UTC').format(new Date(iso));
  }
}

const TIME_OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
};
/** Building a DateTimeFormat costs far more than using one; a digest shows dozens of times. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...TIME_OPTIONS, timeZone });
    dateFormats.set(key, format);
  }
  return format;
}
