import { useEffect, useState } from 'react';
import { fetchPlays, playsUrl, yearlyUrl, type PlaysFilters, type PlaysReport } from '../api/reports-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { optionsOf, SelectField } from '../components/select-field.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { ReportsFiltersForm } from './reports-filters-form.js';
import { PlaysTable } from './reports-plays-table.js';
import './reports.css';

/** A date as YYYY-MM-DD in the browser's own calendar (the operator's day at the gate). */
function localDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function initialFilters(now: Date): PlaysFilters {
  const monthStart = new Date(now.getFullYear(), now.getMonth(), 1);
  return {
    gate: '',
    zone: '',
    device: '',
    item: '',
    language: '',
    from: localDate(monthStart),
    to: localDate(now),
    by: ['item', 'language'],
  };
}

/** Proof of play over a period with a CSV download, and the yearly report per gate. */
export function ReportsPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const { gates } = useFleetData();
  const describe = useDescribeError();
  const [draft, setDraft] = useState<PlaysFilters>(() => initialFilters(new Date()));
  const [applied, setApplied] = useState<PlaysFilters>(draft);
  const [report, setReport] = useState<PlaysReport | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [yearGate, setYearGate] = useState('');
  const [year, setYear] = useState(() => String(new Date().getFullYear()));

  useEffect(() => {
    let current = true;
    fetchPlays(api, applied)
      .then((answer) => {
        if (!current) return;
        setReport(answer);
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (current) setProblem(error);
      });
    return () => {
      current = false;
    };
  }, [api, applied]);

  const chosenGate = yearGate || gates[0]?.id || '';
  const validYear = /^\d{4}$/.test(year);
  return (
    <div className="reports-page">
      <h1>{t('reports.title')}</h1>
      <p className="muted">{t('reports.intro')}</p>
      <section className="card card-wide">
        <h2>{t('reports.plays.title')}</h2>
        <ReportsFiltersForm draft={draft} gates={gates} onChange={setDraft} onApply={setApplied} />
      </section>
      {problem !== null && <Notice kind="error">{describe(problem)}</Notice>}
      {report && (
        <div className="reports-actions">
          <a className="button" href={playsUrl(applied, 'csv')} download data-action="download-csv">
            {t('reports.csv')}
          </a>
          <span className="muted">
            {t('reports.total', { plays: report.total.plays, seconds: report.total.totalSeconds })}
          </span>
        </div>
      )}
      {report && report.rows.length === 0 && <Notice kind="info">{t('reports.none')}</Notice>}
      {report && report.rows.length > 0 && <PlaysTable report={report} gates={gates} />}
      <section className="card card-wide">
        <h2>{t('reports.yearly.title')}</h2>
        <p className="muted">{t('reports.yearly.intro')}</p>
        <div className="reports-yearly">
          <SelectField
            label={t('reports.gate')}
            name="yearly-gate"
            value={chosenGate}
            onValue={setYearGate}
            options={optionsOf(gates)}
          />
          <label className="field">
            <span>{t('reports.yearly.year')}</span>
            <input
              name="year"
              inputMode="numeric"
              pattern="\d{4}"
              value={year}
              onChange={(event) => setYear(event.target.value)}
            />
          </label>
          {chosenGate !== '' && validYear ? (
            <a
              className="button button-primary"
              href={yearlyUrl(chosenGate, Number(year))}
              target="_blank"
              rel="noopener"
              data-action="open-yearly"
            >
              {t('reports.yearly.open')}
            </a>
          ) : (
            <span className="muted">{t('reports.yearly.choose')}</span>
          )}
        </div>
      </section>
    </div>
  );
}
