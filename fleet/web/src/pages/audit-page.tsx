import { useEffect, useState } from 'react';
import type { AuditPage as AuditAnswer } from '../api/types.js';
import { useFleetData } from '../app/fleet-data.js';
import { useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { EMPTY_AUDIT_FILTERS, auditUrl, type AuditFilters } from '../model/audit-query.js';
import { AuditFiltersForm } from './audit-filters-form.js';
import { AuditTable, Pager } from './audit-table.js';

/** Who did what, newest first, filtered on the fleet and paged by cursor. */
export function AuditPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const { gates } = useFleetData();
  const describe = useDescribeError();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  // The cursor of each page seen so far: "Newer" pops, "Older" pushes the answer's nextBefore.
  const [cursors, setCursors] = useState<Array<number | null>>([null]);
  const [page, setPage] = useState<AuditAnswer | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const before = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let current = true;
    api
      .get<AuditAnswer>(auditUrl(applied, before))
      .then((answer) => {
        if (!current) return;
        setPage(answer);
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (current) setProblem(error);
      });
    return () => {
      current = false;
    };
  }, [api, applied, before]);

  const older = page?.nextBefore ?? null;
  return (
    <div className="audit-page">
      <h1>{t('audit.title')}</h1>
      <p className="muted">{t('audit.intro')}</p>
      <section className="card card-wide">
        <h2 className="visually-hidden">{t('audit.filters')}</h2>
        <AuditFiltersForm
          draft={draft}
          gates={gates}
          onChange={setDraft}
          onApply={(filters) => {
            setApplied(filters);
            setCursors([null]);
          }}
        />
      </section>
      {problem !== null && <Notice kind="error">{describe(problem)}</Notice>}
      {page && page.entries.length === 0 && <Notice kind="info">{t('audit.none')}</Notice>}
      {page && page.entries.length > 0 && <AuditTable entries={page.entries} gates={gates} />}
      <Pager
        page={cursors.length}
        hasNewer={cursors.length > 1}
        hasOlder={older !== null}
        onNewer={() => setCursors(cursors.slice(0, -1))}
        onOlder={() => older !== null && setCursors([...cursors, older])}
      />
    </div>
  );
}
