import type { AlertRule, AlertSeverity, AlertView } from '../api/alerts-api.js';
import { en } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/translate.js';
import { alertMarks, type FactValue } from '../model/alerts-view.js';

/** A setting's label: "flap.changes" reads "alerts.setting.flapChanges"; an unknown one shows its own name. */
export function settingKey(key: string): MessageKey | null {
  const camel = key.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());
  const message = `alerts.setting.${camel}`;
  return Object.hasOwn(en, message) ? (message as MessageKey) : null;
}

export function useAlertLabels() {
  const { t, dateTime } = useI18n();
  return {
    /** A fact's name in words when the dashboard knows it, else the fleet's own key. */
    factName: (key: string) => {
      const message = `alerts.fact.${key}`;
      return Object.hasOwn(en, message) ? t(message as MessageKey) : key;
    },
    factValue: (key: string, value: FactValue) => {
      if (value.kind === 'time') return dateTime(value.iso);
      if (value.kind === 'yes-no') return t(value.yes ? 'alerts.yes' : 'alerts.no');
      // A screen's presence reads as the overview shows it: Online, Offline, Never seen.
      const state = `state.${value.text}`;
      return key === 'presence' && Object.hasOwn(en, state) ? t(state as MessageKey) : value.text;
    },
    rule: (rule: AlertRule) => t(`alerts.rule.${rule}`),
    ruleInfo: (rule: AlertRule) => t(`alerts.ruleInfo.${rule}`),
    severity: (severity: AlertSeverity) => t(`alerts.severity.${severity}`),
    /** The threshold's unit depends on the rule: °C, % used, seconds off, restarts, minutes. */
    setting: (key: string, rule: AlertRule) => {
      const threshold = `alerts.threshold.${rule}`;
      if (key === 'threshold' && Object.hasOwn(en, threshold)) return t(threshold as MessageKey);
      const message = settingKey(key);
      return message === null ? key : t(message);
    },
  };
}

export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  const labels = useAlertLabels();
  return (
    <span className={`alert-severity severity-${severity}`} data-severity={severity}>
      {labels.severity(severity)}
    </span>
  );
}

/** Flapping, escalated, acknowledged: small marks beside the rule. */
export function AlertMarks({ alert }: { alert: AlertView }) {
  const { t } = useI18n();
  const marks = alertMarks(alert);
  if (marks.length === 0) return null;
  return (
    <span className="alert-marks">
      {marks.map((mark) => (
        <span key={mark} className={`alert-mark mark-${mark}`} data-mark={mark}>
          {t(`alerts.mark.${mark}`)}
        </span>
      ))}
    </span>
  );
}
