import type { PlaysReport } from '../api/reports-api.js';
import type { Gate } from '../api/types.js';
import { gateLabel } from '../components/role-gate-select.js';
import { useI18n } from '../i18n/i18n.js';

/** One row per group; every value is shown as text, however a screen named its item. */
export function PlaysTable({ report, gates }: { report: PlaysReport; gates: readonly Gate[] }) {
  const { t, dateTime, number } = useI18n();
  return (
    <div className="table-scroll card card-wide">
      <table className="table reports-table" aria-label={t('reports.plays.title')}>
        <thead>
          <tr>
            {report.by.map((dimension) => (
              <th key={dimension} scope="col">
                {t(`reports.dimension.${dimension}`)}
              </th>
            ))}
            <th scope="col" className="number">
              {t('reports.plays')}
            </th>
            <th scope="col" className="number">
              {t('reports.totalSeconds')}
            </th>
            <th scope="col" className="number">
              {t('reports.averageSeconds')}
            </th>
            <th scope="col">{t('reports.first')}</th>
            <th scope="col">{t('reports.last')}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={report.by.map((dimension) => String(row[dimension])).join('\u0000') || 'all'}>
              {report.by.map((dimension) => (
                <td key={dimension}>
                  {dimension === 'gate' && row.gate !== undefined
                    ? gateLabel(row.gate, gates, row.gate)
                    : dimension === 'language' && row.language === null
                      ? t('reports.noLanguage')
                      : String(row[dimension] ?? '')}
                </td>
              ))}
              <td className="number">{number(row.plays)}</td>
              <td className="number">{number(row.totalSeconds)}</td>
              <td className="number">{number(row.averageSeconds)}</td>
              <td className="nowrap">{dateTime(row.firstAt)}</td>
              <td className="nowrap">{dateTime(row.lastAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
