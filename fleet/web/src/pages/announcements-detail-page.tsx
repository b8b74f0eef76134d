import { useEffect, useState } from 'react';
import {
  cancelAnnouncement,
  getAnnouncement,
  receiptsStreamUrl,
  type AnnouncementView,
  type ReceiptsView,
} from '../api/announcements-api.js';
import { ApiError } from '../api/client.js';
import { Link } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { allowsSomewhere } from '../model/permissions.js';
import { describeTargets } from './announcements-page.js';
import './announcements.css';

/** One announcement with its per-screen receipts, live over Server-Sent Events. */
export function AnnouncementDetailPage({ announcementId }: { announcementId: string }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const describe = useDescribeError();
  const [announcement, setAnnouncement] = useState<AnnouncementView | null>(null);
  const [receipts, setReceipts] = useState<ReceiptsView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    getAnnouncement(api, announcementId).then(
      (found) => {
        if (stopped) return;
        setAnnouncement(found);
        setReceipts((current) => current ?? found.receipts);
      },
      (failure: unknown) => {
        if (stopped) return;
        setError(
          failure instanceof ApiError && failure.status === 404
            ? t('announcements.detail.notFound')
            : describe(failure),
        );
      },
    );
    // The stream sends the whole receipts view on every change; the browser reconnects by itself.
    const stream = new EventSource(receiptsStreamUrl(announcementId));
    stream.addEventListener('receipts', (event) => {
      setReceipts(JSON.parse((event as MessageEvent<string>).data) as ReceiptsView);
    });
    return () => {
      stopped = true;
      stream.close();
    };
    // Not re-run when the language changes: the data does not depend on it.
  }, [api, announcementId]);

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!announcement || !receipts) return <p className="muted">{t('app.loading')}</p>;
  const state = receipts.state;
  const cancel = async () => {
    if (!window.confirm(t('announcements.cancelConfirm'))) return;
    try {
      setAnnouncement(await cancelAnnouncement(api, announcement.id));
    } catch (failure) {
      setError(describe(failure));
    }
  };

  return (
    <div className="announcements-page" data-announcement-id={announcement.id}>
      <Link to="/announcements" className="back-link">
        {t('announcements.detail.back')}
      </Link>
      <div className="page-heading">
        <h1>{t('announcements.detail.title', { id: announcement.id })}</h1>
        {(state === 'live' || state === 'scheduled') && allowsSomewhere(me, 'announcements.fire') && (
          <button
            type="button"
            className="button button-danger"
            data-action="cancel"
            onClick={() => void cancel()}
          >
            {t('announcements.cancel')}
          </button>
        )}
      </div>
      <div className="cards">
        <section className="card card-wide">
          <p>
            <span className={`announcement-state state-${state}`}>{t(`announcements.state.${state}`)}</span>{' '}
            <strong data-summary="receipts" data-shown={receipts.shown} data-targeted={receipts.targeted}>
              {t('announcements.detail.summary', { shown: receipts.shown, targeted: receipts.targeted })}
            </strong>
          </p>
          <p className="muted">
            {describeTargets(announcement, t('announcements.targets.all'))} ·{' '}
            {t('announcements.detail.window', {
              from: dateTime(receipts.startsAt),
              until: dateTime(receipts.expiresAt),
            })}
          </p>
          <p className="muted">
            {t('announcements.detail.people', {
              author: announcement.createdByName,
              approver: announcement.approvedByName ?? '-',
            })}
          </p>
          <dl className="announcement-texts">
            {Object.entries(announcement.body).map(([language, text]) => (
              <div key={language}>
                <dt>{language}</dt>
                <dd lang={language}>
                  {announcement.title[language] && <strong>{announcement.title[language]}: </strong>}
                  {text}
                </dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="card card-wide">
          <div className="table-scroll">
            <table className="table receipts">
              <thead>
                <tr>
                  <th scope="col">{t('announcements.receipt.screen')}</th>
                  <th scope="col">{t('announcements.receipt.where')}</th>
                  <th scope="col">{t('announcements.receipt.shownAt')}</th>
                  <th scope="col">{t('announcements.receipt.after')}</th>
                  <th scope="col">{t('announcements.receipt.language')}</th>
                  <th scope="col">{t('announcements.receipt.screenshot')}</th>
                </tr>
              </thead>
              <tbody>
                {receipts.screens.map((screen) => (
                  <tr key={screen.deviceId} data-device-id={screen.deviceId} data-shown={screen.shown}>
                    <td>
                      <Link to={`/devices/${screen.deviceId}`}>{screen.deviceName}</Link>
                    </td>
                    <td>
                      {screen.gateId} / {screen.zoneId}
                    </td>
                    <td className="nowrap">
                      {screen.shown ? (
                        dateTime(screen.shownAt)
                      ) : (
                        <span className="muted">{t('announcements.receipt.notYet')}</span>
                      )}
                    </td>
                    <td className="number">
                      {screen.secondsFromFire === null
                        ? '-'
                        : t('announcements.receipt.seconds', { seconds: screen.secondsFromFire })}
                    </td>
                    <td>{screen.language ?? '-'}</td>
                    <td title={screen.screenshotSha256 ?? undefined}>
                      <code>{screen.screenshotSha256 ? screen.screenshotSha256.slice(0, 16) : '-'}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </div>
  );
}
