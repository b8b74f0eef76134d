import type { AlertRule, PolicySet } from '../api/alerts-api.js';
import { SelectField } from '../components/select-field.js';
import { useI18n } from '../i18n/i18n.js';
import type { PolicyDraft, SettingField } from '../model/alerts-policy.js';
import { useAlertLabels } from './alerts-labels.js';

// The inputs of the rules form: one per rule setting, and the daily hours.

interface SettingInputProps {
  rule: AlertRule;
  field: SettingField;
  inherited: string | number | boolean | null;
  value: string;
  onValue(value: string): void;
}

export function SettingInput({ rule, field, inherited, value, onValue }: SettingInputProps) {
  const { t } = useI18n();
  const labels = useAlertLabels();
  const name = `${rule}.${field.key}`;
  const label = labels.setting(field.key, rule);
  const shown =
    inherited === null
      ? '—'
      : typeof inherited === 'boolean'
        ? t(inherited ? 'alerts.policies.on' : 'alerts.policies.off')
        : field.type === 'severity'
          ? labels.severity(inherited === 'critical' ? 'critical' : 'warning')
          : String(inherited);
  const inherit = t('alerts.policies.inherit', { value: shown });
  if (field.type === 'boolean' || field.type === 'severity') {
    const options =
      field.type === 'boolean'
        ? [
            { value: 'true', label: t('alerts.policies.on') },
            { value: 'false', label: t('alerts.policies.off') },
          ]
        : [
            { value: 'warning', label: labels.severity('warning') },
            { value: 'critical', label: labels.severity('critical') },
          ];
    return (
      <SelectField
        label={label}
        name={name}
        value={value}
        onValue={onValue}
        options={options}
        empty={inherit}
      />
    );
  }
  return (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        type={field.type === 'number' ? 'number' : 'text'}
        inputMode={field.type === 'number' ? 'decimal' : undefined}
        min={field.type === 'number' ? 0 : undefined}
        step={field.key === 'threshold' ? 'any' : 1}
        value={value}
        placeholder={shown}
        title={inherit}
        onChange={(event) => onValue(event.target.value)}
      />
    </label>
  );
}

interface HoursProps {
  draft: PolicyDraft;
  setDraft(update: (current: PolicyDraft) => PolicyDraft): void;
  disabled: boolean;
  policies: PolicySet;
}

export function HoursFields({ draft, setDraft, disabled, policies }: HoursProps) {
  const { t } = useI18n();
  const rows = [
    {
      which: 'quiet',
      label: t('alerts.policies.quietHours'),
      keys: { from: 'quietFrom', to: 'quietTo', none: 'quietNone' },
      fallback: policies.defaults.quietHours,
    },
    {
      which: 'display',
      label: t('alerts.policies.displayOnHours'),
      keys: { from: 'displayFrom', to: 'displayTo', none: 'displayNone' },
      fallback: policies.defaults.displayOnHours,
    },
  ] as const;
  return (
    <>
      {rows.map((row) => (
        <fieldset key={row.which} className="alert-rule-settings" data-hours={row.which} disabled={disabled}>
          <legend>{row.label}</legend>
          <div className="alert-rule-fields">
            {(['from', 'to'] as const).map((end) => (
              <label key={end} className="field">
                <span>{t(`alerts.policies.${end}`)}</span>
                <input
                  type="time"
                  name={`${row.which}-${end}`}
                  value={draft[row.keys[end]]}
                  disabled={draft[row.keys.none]}
                  placeholder={row.fallback?.[end] ?? ''}
                  onChange={(event) => {
                    const value = event.target.value;
                    setDraft((current) => ({ ...current, [row.keys[end]]: value }));
                  }}
                />
              </label>
            ))}
          </div>
          <label className="check">
            <input
              type="checkbox"
              name={`${row.which}-none`}
              checked={draft[row.keys.none]}
              onChange={(event) => {
                const checked = event.target.checked;
                setDraft((current) => ({ ...current, [row.keys.none]: checked }));
              }}
            />
            {t('alerts.policies.noneHere')}
          </label>
        </fieldset>
      ))}
    </>
  );
}
