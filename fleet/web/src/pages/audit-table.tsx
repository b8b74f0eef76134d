import type { AuditEntry, Gate } from '../api/types.js';
import { gateLabel } from '../components/role-gate-select.js';
import { useI18n } from '../i18n/i18n.js';
import { describeChange } from '../model/audit-change.js';

/** One page of audit entries; every value is shown as text, however it was typed. */
export function AuditTable({ entries, gates }: { entries: AuditEntry[]; gates: readonly Gate[] }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-scroll card card-wide">
      <table className="table audit" aria-label={t('audit.entries')}>
        <thead>
          <tr>
            <th scope="col">{t('audit.time')}</th>
            <th scope="col">{t('audit.user')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.object')}</th>
            <th scope="col">{t('audit.gate')}</th>
            <th scope="col">{t('audit.outcome')}</th>
            <th scope="col">{t('audit.change')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-audit-id={entry.id} className={`outcome-${entry.outcome}`}>
              <td className="nowrap">{dateTime(entry.at)}</td>
              <td>{entry.actor?.name ?? t('audit.system')}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td>{[entry.objectType, entry.objectId].filter(Boolean).join(' ')}</td>
              <td>{entry.gateId === null ? '' : gateLabel(entry.gateId, gates, '')}</td>
              <td>
                <span className={`outcome outcome-${entry.outcome}`}>
                  {t(`outcome.${entry.outcome}`)}
                  {entry.status !== null && ` (${entry.status})`}
                </span>
              </td>
              <td className="change">{describeChange(entry.before, entry.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface PagerProps {
  page: number;
  hasNewer: boolean;
  hasOlder: boolean;
  onNewer(): void;
  onOlder(): void;
}

export function Pager({ page, hasNewer, hasOlder, onNewer, onOlder }: PagerProps) {
  const { t } = useI18n();
  return (
    <div className="pager">
      <button type="button" className="button" disabled={!hasNewer} onClick={onNewer}>
        ← {t('common.previous')}
      </button>
      <span className="muted">{t('common.page', { page })}</span>
      <button type="button" className="button" disabled={!hasOlder} onClick={onOlder}>
        {t('common.next')} →
      </button>
    </div>
  );
}
