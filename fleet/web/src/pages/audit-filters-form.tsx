import type { FormEvent } from 'react';
import type { Gate } from '../api/types.js';
import { Field } from '../components/field.js';
import { optionsOf, SelectField } from '../components/select-field.js';
import { useI18n } from '../i18n/i18n.js';
import { EMPTY_AUDIT_FILTERS, type AuditFilters } from '../model/audit-query.js';

const OBJECT_TYPES = ['device', 'gate', 'zone', 'user', 'token', 'audit'];

interface Props {
  draft: AuditFilters;
  gates: readonly Gate[];
  onChange(draft: AuditFilters): void;
  onApply(filters: AuditFilters): void;
}

export function AuditFiltersForm({ draft, gates, onChange, onApply }: Props) {
  const { t } = useI18n();
  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) =>
    onChange({ ...draft, [key]: value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  const text = (key: 'user' | 'objectId' | 'action', label: string) => (
    <Field label={label} name={key} value={draft[key]} onValue={(value) => set(key, value)} />
  );
  return (
    <form className="form form-row audit-filters" onSubmit={submit} aria-label={t('audit.filters')}>
      {text('user', t('audit.user'))}
      <SelectField
        label={t('audit.gate')}
        name="gate"
        value={draft.gate}
        onValue={(value) => set('gate', value)}
        empty={t('common.any')}
        options={optionsOf(gates)}
      />
      <label className="field">
        <span>{t('audit.objectType')}</span>
        <input
          name="objectType"
          list="audit-object-types"
          value={draft.objectType}
          onChange={(event) => set('objectType', event.target.value)}
        />
        <datalist id="audit-object-types">
          {OBJECT_TYPES.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      </label>
      {text('objectId', t('audit.objectId'))}
      {text('action', t('audit.action'))}
      <label className="field">
        <span>{t('audit.outcome')}</span>
        <select
          name="outcome"
          value={draft.outcome}
          onChange={(event) => set('outcome', event.target.value as AuditFilters['outcome'])}
        >
          <option value="">{t('common.any')}</option>
          <option value="ok">{t('outcome.ok')}</option>
          <option value="denied">{t('outcome.denied')}</option>
          <option value="failed">{t('outcome.failed')}</option>
        </select>
      </label>
      <Field
        label={t('audit.since')}
        type="datetime-local"
        name="since"
        value={draft.since}
        onValue={(value) => set('since', value)}
      />
      <Field
        label={t('audit.until')}
        type="datetime-local"
        name="until"
        value={draft.until}
        onValue={(value) => set('until', value)}
      />
      <div className="form-buttons">
        <button type="submit" className="button button-primary">
          {t('audit.apply')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            onChange(EMPTY_AUDIT_FILTERS);
            onApply(EMPTY_AUDIT_FILTERS);
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}
