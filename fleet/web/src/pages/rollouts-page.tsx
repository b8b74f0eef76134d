import { listRollouts } from '../api/rollouts-api.js';
import { Link } from '../app/router.js';
import { useMe } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { usePageData } from '../hooks/use-page-data.js';
import { useI18n } from '../i18n/i18n.js';
import { allowsSomewhere } from '../model/permissions.js';
import { doneOf, sortRollouts } from '../model/rollouts-view.js';
import { NewRolloutForm } from './rollouts-new-form.js';
import { ProgressBar, RolloutStateBadge } from './rollouts-progress.js';
import { MaintenanceWindows } from './rollouts-windows.js';
import './rollouts.css';

/** Rollouts change on their own (screens update): the list follows every few seconds. */
const RELOAD_MS = 5_000;

/** Every rollout with its progress; a new rollout and the gates' maintenance windows for managers. */
export function RolloutsPage() {
  const { t, dateTime } = useI18n();
  const me = useMe();
  const page = usePageData(listRollouts, RELOAD_MS);
  if (!allowsSomewhere(me, 'rollouts.read')) return <Notice kind="error">{t('common.forbidden')}</Notice>;
  const manages = allowsSomewhere(me, 'rollouts.manage');
  const rollouts = page.data === null ? null : sortRollouts(page.data);

  return (
    <div className="rollouts-page">
      <div className="page-heading">
        <h1>{t('rollouts.title')}</h1>
      </div>
      <p className="muted">{t('rollouts.intro')}</p>
      {page.notice && <Notice kind={page.notice.kind}>{page.notice.text}</Notice>}
      <section className="card card-wide" aria-labelledby="rollouts-list-title" data-list="rollouts">
        <h2 id="rollouts-list-title">{t('rollouts.list')}</h2>
        {rollouts === null ? (
          <p className="muted">{t('app.loading')}</p>
        ) : rollouts.length === 0 ? (
          <p className="muted" data-empty>
            {t('rollouts.none')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="table rollouts-table">
              <thead>
                <tr>
                  <th scope="col">{t('rollouts.col.version')}</th>
                  <th scope="col">{t('rollouts.col.state')}</th>
                  <th scope="col">{t('rollouts.col.progress')}</th>
                  <th scope="col">{t('rollouts.col.failures')}</th>
                  <th scope="col">{t('rollouts.col.created')}</th>
                </tr>
              </thead>
              <tbody>
                {rollouts.map((rollout) => (
                  <tr key={rollout.id} data-rollout-id={rollout.id} data-state={rollout.state}>
                    <td data-label={t('rollouts.col.version')}>
                      <Link to={`/rollouts/${rollout.id}`} className="rollout-version">
                        {rollout.version}
                      </Link>
                      {rollout.rollbackOf && (
                        <span className="muted rollout-note">
                          {t('rollouts.rollbackOf', { id: rollout.rollbackOf })}
                        </span>
                      )}
                    </td>
                    <td data-label={t('rollouts.col.state')}>
                      <RolloutStateBadge state={rollout.state} />
                    </td>
                    <td data-label={t('rollouts.col.progress')} className="rollout-progress-cell">
                      <ProgressBar
                        done={doneOf(rollout.totals)}
                        failed={rollout.totals.failed}
                        total={rollout.totals.screens}
                        label={rollout.version}
                      />
                    </td>
                    <td
                      data-label={t('rollouts.col.failures')}
                      className="number"
                      data-failed={rollout.totals.failed}
                    >
                      {rollout.totals.failed}
                    </td>
                    <td data-label={t('rollouts.col.created')} className="nowrap">
                      {t('rollouts.createdBy', {
                        time: dateTime(rollout.createdAt),
                        name: rollout.createdBy ?? '-',
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {manages && (
        <div className="cards">
          <NewRolloutForm onFailed={page.failed} />
          <MaintenanceWindows onDone={page.done} onFailed={page.failed} />
        </div>
      )}
    </div>
  );
}
