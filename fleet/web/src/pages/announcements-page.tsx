import type { ApiClient } from '../api/client.js';
import {
  cancelAnnouncement,
  listAnnouncements,
  listTemplates,
  reviewAnnouncement,
  type AnnouncementView,
} from '../api/announcements-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { Link } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { ReviewWithComment } from '../components/review-with-comment.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { usePageData } from '../hooks/use-page-data.js';
import { useI18n } from '../i18n/i18n.js';
import { allowsSomewhere } from '../model/permissions.js';
import { FireForm, FreeTextForm } from './announcements-forms.js';
import './announcements.css';

/** The list refreshes by itself: receipts and expiries change it while the page is open. */
const RELOAD_MS = 5_000;

async function listBoth(api: ApiClient) {
  const [announcements, templates] = await Promise.all([listAnnouncements(api), listTemplates(api)]);
  return { announcements, templates };
}

/** Fire a template, send a free text, approve others' texts, follow and cancel what is live. */
export function AnnouncementsPage() {
  const { t } = useI18n();
  const me = useMe();
  const { gates } = useFleetData();
  const { data, notice, done, failed } = usePageData(listBoth, RELOAD_MS);

  if (!allowsSomewhere(me, 'announcements.read'))
    return <Notice kind="error">{t('common.forbidden')}</Notice>;
  const announcements = data?.announcements ?? null;
  const templates = data?.templates ?? [];
  const list = announcements ?? [];
  const awaiting = list.filter((a) => a.state === 'awaiting-approval');
  const active = list.filter((a) => a.state === 'live' || a.state === 'scheduled');
  const earlier = list.filter((a) => !awaiting.includes(a) && !active.includes(a)).slice(0, 20);
  const firer = allowsSomewhere(me, 'announcements.fire');

  return (
    <div className="announcements-page">
      <div className="page-heading">
        <h1>{t('announcements.title')}</h1>
      </div>
      <p className="muted">{t('announcements.intro')}</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {announcements === null ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <div className="cards">
          <section className="card card-wide" aria-labelledby="announcements-active-title" data-list="active">
            <h2 id="announcements-active-title">{t('announcements.active.title')}</h2>
            {active.length === 0 ? (
              <p className="muted">{t('announcements.active.none')}</p>
            ) : (
              <AnnouncementTable rows={active} cancellable={firer} onDone={done} onFailed={failed} />
            )}
          </section>
          {firer && <FireForm gates={gates} me={me} templates={templates} onDone={done} onFailed={failed} />}
          {firer && <FreeTextForm gates={gates} me={me} onDone={done} onFailed={failed} />}
          <section
            className="card card-wide"
            aria-labelledby="announcements-awaiting-title"
            data-list="awaiting"
          >
            <h2 id="announcements-awaiting-title">{t('announcements.awaiting.title')}</h2>
            {awaiting.length === 0 && <p className="muted">{t('announcements.awaiting.none')}</p>}
            {awaiting.map((announcement) => (
              <ReviewCard key={announcement.id} announcement={announcement} onDone={done} onFailed={failed} />
            ))}
          </section>
          {earlier.length > 0 && (
            <section
              className="card card-wide"
              aria-labelledby="announcements-recent-title"
              data-list="earlier"
            >
              <h2 id="announcements-recent-title">{t('announcements.recent.title')}</h2>
              <AnnouncementTable rows={earlier} cancellable={false} onDone={done} onFailed={failed} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}

interface ActionProps {
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

export function firstText(texts: Record<string, string>): string {
  return Object.values(texts)[0] ?? '';
}

export function describeTargets(announcement: AnnouncementView, all: string): string {
  const { targets } = announcement;
  if (targets.all) return all;
  return [
    ...(targets.gates ?? []),
    ...(targets.zones ?? []).map((zone) => `${zone.gateId}/${zone.zoneId}`),
  ].join(', ');
}

function AnnouncementTable({
  rows,
  cancellable,
  onDone,
  onFailed,
}: ActionProps & { rows: AnnouncementView[]; cancellable: boolean }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const cancel = async (announcement: AnnouncementView) => {
    if (!window.confirm(t('announcements.cancelConfirm'))) return;
    try {
      await cancelAnnouncement(api, announcement.id);
      onDone(t('announcements.cancelled'));
    } catch (error) {
      onFailed(error);
    }
  };
  return (
    <div className="table-scroll">
      <table className="table announcements">
        <thead>
          <tr>
            <th scope="col">{t('announcements.col.text')}</th>
            <th scope="col">{t('announcements.col.state')}</th>
            <th scope="col">{t('announcements.col.targets')}</th>
            <th scope="col">{t('announcements.col.shown')}</th>
            <th scope="col">{t('announcements.col.until')}</th>
            <th scope="col">{t('announcements.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((announcement) => (
            <tr key={announcement.id} data-announcement-id={announcement.id}>
              <td>{firstText(announcement.body)}</td>
              <td>
                <span className={`announcement-state state-${announcement.state}`}>
                  {t(`announcements.state.${announcement.state}`)}
                </span>
              </td>
              <td>{describeTargets(announcement, t('announcements.targets.all'))}</td>
              <td className="number">
                {t('announcements.shownOf', { shown: announcement.shown, targeted: announcement.targeted })}
              </td>
              <td className="nowrap">{dateTime(announcement.expiresAt)}</td>
              <td className="row-actions">
                <Link to={`/announcements/${announcement.id}`} className="button button-quiet">
                  {t('announcements.open')}
                </Link>
                {cancellable && (
                  <button
                    type="button"
                    className="button button-danger"
                    data-action="cancel"
                    onClick={() => void cancel(announcement)}
                  >
                    {t('announcements.cancel')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A free text someone else wrote: approve (it goes out at once) or reject, with a comment. */
function ReviewCard({ announcement, onDone, onFailed }: ActionProps & { announcement: AnnouncementView }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const [busy, run] = useBusyAction(onFailed);
  const own = announcement.createdBy === me.id;
  const decide = (decision: 'approve' | 'reject', comment: string) =>
    run(async () => {
      const view = await reviewAnnouncement(api, announcement.id, decision, comment);
      onDone(
        decision === 'approve'
          ? t('announcements.approved', { count: view.targeted })
          : t('announcements.rejected'),
      );
    });
  return (
    <article className="announcement-review" data-announcement-id={announcement.id}>
      <p className="muted">
        {t('announcements.awaiting.by', {
          name: announcement.createdByName,
          time: dateTime(announcement.createdAt),
        })}{' '}
        · {describeTargets(announcement, t('announcements.targets.all'))}
      </p>
      <dl className="announcement-texts">
        {Object.entries(announcement.body).map(([language, text]) => (
          <div key={language}>
            <dt>{language}</dt>
            <dd lang={language}>{text}</dd>
          </div>
        ))}
      </dl>
      {own || !allowsSomewhere(me, 'announcements.approve') ? (
        own && <p className="muted">{t('announcements.awaiting.own')}</p>
      ) : (
        <ReviewWithComment
          labels={{
            comment: t('announcements.comment'),
            approve: t('announcements.approve'),
            reject: t('announcements.reject'),
          }}
          busy={busy}
          onDecide={(decision, comment) => void decide(decision, comment)}
        />
      )}
    </article>
  );
}
