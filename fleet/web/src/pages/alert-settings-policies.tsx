import { useEffect, useState } from 'react';
import {
  ALERT_RULES,
  getPolicies,
  putPolicy,
  removePolicy,
  type AlertRule,
  type PolicySet,
} from '../api/alerts-api.js';
import type { Gate } from '../api/types.js';
import { useMe, useSession } from '../app/session.js';
import { Dialog } from '../components/dialog.js';
import { optionsOf, SelectField } from '../components/select-field.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import {
  bodyFromDraft,
  draftFromOverride,
  findOverride,
  inheritedSettings,
  settingFields,
  type PolicyDraft,
} from '../model/alerts-policy.js';
import { allows } from '../model/permissions.js';
import { HoursFields, SettingInput } from './alert-settings-fields.js';
import { useAlertLabels } from './alerts-labels.js';

interface Props {
  gates: Gate[];
  onDone(text: string): void;
  onFailed(error: unknown): void;
  /** A problem already phrased for people (not an API failure). */
  onProblem(text: string): void;
}

/** Rules per gate and zone: each field empty inherits (the inherited value shows as its placeholder). */
export function PolicySettings({ gates, onDone, onFailed, onProblem }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const labels = useAlertLabels();
  const [policies, setPolicies] = useState<PolicySet | null>(null);
  const [gateId, setGateId] = useState('');
  const [zoneId, setZoneId] = useState('');
  const [draft, setDraft] = useState<PolicyDraft>(() => draftFromOverride(undefined));
  const [confirmReset, setConfirmReset] = useState(false);
  const [busy, run] = useBusyAction(onFailed);

  const load = () =>
    getPolicies(api)
      .then(setPolicies)
      .catch((error: unknown) => onFailed(error));
  // Loaded once per session; saving loads again.
  useEffect(() => void load(), [api]);

  const zone = zoneId === '' ? null : zoneId;
  const override = policies && gateId !== '' ? findOverride(policies, gateId, zone) : undefined;
  // A new scope, or the stored override after a save: the form starts from what is stored.
  useEffect(() => setDraft(draftFromOverride(override)), [override, gateId, zoneId]);

  if (!policies) return <p className="muted">{t('app.loading')}</p>;
  const gate = gates.find((candidate) => candidate.id === gateId);
  const scopeName = gate
    ? zone === null
      ? gate.name
      : t('alerts.policies.zoneScope', {
          gate: gate.name,
          zone: gate.zones.find((candidate) => candidate.id === zone)?.name ?? zone,
        })
    : t('alerts.policies.defaults');
  const editable = gate !== undefined && allows(me, 'alerts.manage', gate.id);

  const save = () =>
    run(async () => {
      const answer = bodyFromDraft(draft, policies.defaults);
      if ('problem' in answer) {
        const { problem } = answer;
        return onProblem(
          problem.kind === 'hours'
            ? t('alerts.policies.badHours')
            : t('alerts.policies.badNumber', {
                rule: labels.rule(problem.rule),
                setting: labels.setting(problem.key, problem.rule),
              }),
        );
      }
      await putPolicy(api, gateId, zone, answer.body);
      await load();
      onDone(t('alerts.policies.saved', { scope: scopeName }));
    });
  const reset = () =>
    run(async () => {
      setConfirmReset(false);
      await removePolicy(api, gateId, zone);
      await load();
      onDone(t('alerts.policies.removed', { scope: scopeName }));
    });
  const setValue = (rule: AlertRule, key: string, value: string) =>
    setDraft((current) => ({
      ...current,
      rules: { ...current.rules, [rule]: { ...current.rules[rule], [key]: value } },
    }));

  return (
    <form
      className="alert-policies"
      data-form="policies"
      aria-label={t('alerts.policies.title')}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="form-row">
        <SelectField
          label={t('alerts.policies.scope')}
          name="policy-gate"
          value={gateId}
          onValue={(value) => {
            setGateId(value);
            setZoneId('');
          }}
          options={optionsOf(gates.filter((candidate) => allows(me, 'alerts.read', candidate.id)))}
          empty={t('alerts.policies.defaults')}
        />
        {gate && (
          <SelectField
            label={t('alerts.policies.zone')}
            name="policy-zone"
            value={zoneId}
            onValue={setZoneId}
            options={optionsOf(gate.zones)}
            empty={t('alerts.policies.wholeGate')}
          />
        )}
      </div>
      {gate && !editable && <p className="muted">{t('alerts.policies.readOnly')}</p>}
      <div className="alert-rules">
        {ALERT_RULES.map((rule) => (
          <fieldset key={rule} className="alert-rule-settings" data-rule={rule} disabled={!editable}>
            <legend>{labels.rule(rule)}</legend>
            <p className="muted">{labels.ruleInfo(rule)}</p>
            <div className="alert-rule-fields">
              {settingFields(policies.defaults.rules[rule]).map((field) => (
                <SettingInput
                  key={field.key}
                  rule={rule}
                  field={field}
                  inherited={inheritedSettings(policies, rule, gateId, zone)[field.key] ?? null}
                  value={gate ? (draft.rules[rule]?.[field.key] ?? '') : ''}
                  onValue={(value) => setValue(rule, field.key, value)}
                />
              ))}
            </div>
          </fieldset>
        ))}
        <HoursFields draft={draft} setDraft={setDraft} disabled={!editable} policies={policies} />
      </div>
      {editable && (
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('alerts.policies.save')}
          </button>
          {override && (
            <button
              type="button"
              className="button button-danger"
              data-action="reset"
              onClick={() => setConfirmReset(true)}
            >
              {t('alerts.policies.reset')}
            </button>
          )}
        </div>
      )}
      {confirmReset && (
        <Dialog
          title={t('alerts.policies.reset')}
          onClose={() => setConfirmReset(false)}
          confirm={{ label: t('alerts.policies.reset'), danger: true, busy, onConfirm: () => void reset() }}
        >
          {t('alerts.policies.resetConfirm', { scope: scopeName })}
        </Dialog>
      )}
    </form>
  );
}
