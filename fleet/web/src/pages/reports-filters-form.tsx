import type { FormEvent } from 'react';
import { PLAY_DIMENSIONS, type PlayDimension, type PlaysFilters } from '../api/reports-api.js';
import type { Gate } from '../api/types.js';
import { Field } from '../components/field.js';
import { optionsOf, SelectField } from '../components/select-field.js';
import { useI18n } from '../i18n/i18n.js';
import { toggled } from '../model/toggled.js';
import './reports.css';

interface Props {
  draft: PlaysFilters;
  gates: readonly Gate[];
  onChange(draft: PlaysFilters): void;
  onApply(filters: PlaysFilters): void;
}

/** Period, filters and grouping of the proof-of-play report. */
export function ReportsFiltersForm({ draft, gates, onChange, onApply }: Props) {
  const { t } = useI18n();
  const set = <K extends keyof PlaysFilters>(key: K, value: PlaysFilters[K]) =>
    onChange({ ...draft, [key]: value });
  const zones = gates.find((gate) => gate.id === draft.gate)?.zones ?? [];
  const toggle = (dimension: PlayDimension) => set('by', toggled(draft.by, dimension));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form className="form reports-filters" onSubmit={submit} aria-label={t('reports.filters')}>
      <div className="form-row">
        <Field
          label={t('reports.from')}
          type="date"
          name="from"
          required
          value={draft.from}
          onValue={(value) => set('from', value)}
        />
        <Field
          label={t('reports.to')}
          type="date"
          name="to"
          required
          value={draft.to}
          onValue={(value) => set('to', value)}
        />
        <SelectField
          label={t('reports.gate')}
          name="gate"
          value={draft.gate}
          onValue={(gate) => onChange({ ...draft, gate, zone: '' })}
          empty={t('common.any')}
          options={optionsOf(gates)}
        />
        <SelectField
          label={t('reports.zone')}
          name="zone"
          value={draft.zone}
          disabled={zones.length === 0}
          onValue={(value) => set('zone', value)}
          empty={t('common.any')}
          options={optionsOf(zones)}
        />
        <Field
          label={t('reports.device')}
          name="device"
          value={draft.device}
          onValue={(value) => set('device', value)}
        />
        <Field
          label={t('reports.item')}
          name="item"
          value={draft.item}
          onValue={(value) => set('item', value)}
        />
        <Field
          label={t('reports.language')}
          name="language"
          placeholder="vi, en, zh-Hans, -"
          value={draft.language}
          onValue={(value) => set('language', value)}
        />
      </div>
      <fieldset className="reports-by">
        <legend>{t('reports.by')}</legend>
        {PLAY_DIMENSIONS.map((dimension) => (
          <label key={dimension} className="reports-by-choice">
            <input
              type="checkbox"
              name="by"
              value={dimension}
              checked={draft.by.includes(dimension)}
              onChange={() => toggle(dimension)}
            />
            <span>{t(`reports.dimension.${dimension}`)}</span>
          </label>
        ))}
      </fieldset>
      <div className="form-buttons">
        <button type="submit" className="button button-primary">
          {t('reports.apply')}
        </button>
      </div>
    </form>
  );
}
