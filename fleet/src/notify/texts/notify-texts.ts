import type { AlertRule, AlertSeverity, TransitionKind } from '../../alerts/alert-types.js';
import type { ChannelLanguage } from '../channel-model.js';
import { EN_TEXTS } from './texts-en.js';
import { VI_TEXTS } from './texts-vi.js';

/** Everything a channel says, in one language; the formatters only arrange these words. */
export interface NotifyTexts {
  /** For Intl date formatting. */
  locale: string;
  rules: Record<AlertRule, string>;
  kinds: Record<TransitionKind, string>;
  severities: Record<AlertSeverity, string>;
  labels: { gate: string; zone: string; screen: string; since: string; status: string; details: string };
  /** "since 08:14 (for 12 min)"; resolved: "lasted 12 min". */
  openFor: (duration: string) => string;
  lastedFor: (duration: string) => string;
  units: { minutes: string; hours: string; days: string };
  flapping: string;
  escalated: string;
  open: string;
  resolved: string;
  openScreen: string;
  /** Labels and units of the facts rules report; unknown facts are shown by their key. */
  facts: Record<string, { label: string; unit?: string }>;
  /** Words for the enumerated values rules report (presence, HDMI, CEC). */
  values: Record<string, string>;
  yes: string;
  no: string;
  test: { title: string; body: string };
  /** One message for many alerts: "12 alerts at Cat Bi", or "12 alerts at 3 gates". */
  digest: {
    atGate: (count: number, gate: string) => string;
    atGates: (count: number, gates: number) => string;
    openAlerts: string;
  };
}

export const NOTIFY_TEXTS: Record<ChannelLanguage, NotifyTexts> = { en: EN_TEXTS, vi: VI_TEXTS };
