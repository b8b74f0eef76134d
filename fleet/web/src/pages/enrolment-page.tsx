import { useEffect, useState } from 'react';
import { listWaitingScreens, refuseScreen, type EnrolmentRequestView } from '../api/enrolment-api.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useNow } from '../hooks/use-now.js';
import { usePageData } from '../hooks/use-page-data.js';
import { useI18n } from '../i18n/i18n.js';
import { allows, allowsSomewhere } from '../model/permissions.js';
import { ApproveScreenForm, type ApproveDraft } from './enrolment-approve-form.js';
import './enrolment.css';

/** Screens ask to join every few seconds while a technician stands at them: the list follows. */
const RELOAD_MS = 5_000;

/** `?code=K7MQ-42XV`, as the QR code on a waiting screen opens this page. */
function codeFromAddress(): string {
  return new URLSearchParams(window.location.search).get('code')?.toUpperCase() ?? '';
}

/** Screens waiting for approval with the code each shows; approve (name, zone) or refuse. */
export function EnrolmentPage() {
  const { t, relative } = useI18n();
  const me = useMe();
  const { api } = useSession();
  const now = useNow(RELOAD_MS);
  const page = usePageData(listWaitingScreens, RELOAD_MS);
  const [busy, run] = useBusyAction(page.failed);
  const [draft, setDraft] = useState<ApproveDraft>(() => ({
    code: codeFromAddress(),
    gateId: '',
    zoneId: '',
  }));
  // A code from the QR code names its screen: once the list is in, its gate and zone are filled in too.
  const waiting = page.data;
  useEffect(() => {
    const match = waiting?.find((request) => request.pairingCode === draft.code);
    if (match && draft.gateId === '') setDraft(draftOf(match));
  }, [waiting, draft.code, draft.gateId]);
  if (!allowsSomewhere(me, 'devices.read')) return <Notice kind="error">{t('common.forbidden')}</Notice>;
  const mayEnrol = allowsSomewhere(me, 'devices.enrol');
  const pick = (request: EnrolmentRequestView) => setDraft(draftOf(request));
  const refuse = (request: EnrolmentRequestView) =>
    void run(async () => {
      await refuseScreen(api, request.id);
      page.done(t('enrolment.refused', { code: request.pairingCode }));
    });

  return (
    <div className="enrolment-page">
      <div className="page-heading">
        <h1>{t('enrolment.title')}</h1>
      </div>
      <p className="muted">{t('enrolment.intro')}</p>
      {page.notice && <Notice kind={page.notice.kind}>{page.notice.text}</Notice>}
      {mayEnrol && (
        <ApproveScreenForm
          draft={draft}
          onDraft={setDraft}
          onDone={(text) => {
            setDraft({ code: '', gateId: '', zoneId: '' });
            page.done(text);
          }}
          onFailed={page.failed}
        />
      )}
      <section className="card card-wide" aria-labelledby="enrolment-list-title" data-list="waiting-screens">
        <h2 id="enrolment-list-title">{t('enrolment.list')}</h2>
        {page.data === null ? (
          <p className="muted">{t('app.loading')}</p>
        ) : page.data.length === 0 ? (
          <p className="muted" data-empty>
            {t('enrolment.none')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="table enrolment-table">
              <thead>
                <tr>
                  <th scope="col">{t('enrolment.col.code')}</th>
                  <th scope="col">{t('enrolment.col.serial')}</th>
                  <th scope="col">{t('enrolment.col.network')}</th>
                  <th scope="col">{t('enrolment.col.gate')}</th>
                  <th scope="col">{t('enrolment.col.age')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('enrolment.col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((request) => (
                  <tr key={request.id} data-request-id={request.id} data-code={request.pairingCode}>
                    <td data-label={t('enrolment.col.code')} className="pairing-code">
                      {request.pairingCode}
                    </td>
                    <td data-label={t('enrolment.col.serial')}>
                      {request.serial}
                      {request.model && <span className="muted enrolment-model">{request.model}</span>}
                    </td>
                    <td data-label={t('enrolment.col.network')}>{networkText(request)}</td>
                    <td data-label={t('enrolment.col.gate')}>
                      {request.zoneId ? `${request.gateId} / ${request.zoneId}` : request.gateId}
                    </td>
                    <td data-label={t('enrolment.col.age')} className="nowrap">
                      {relative(request.createdAt, now)}
                    </td>
                    <td className="enrolment-actions">
                      {allows(me, 'devices.enrol', request.gateId) && (
                        <>
                          <button
                            type="button"
                            className="button"
                            data-action="pick"
                            onClick={() => pick(request)}
                          >
                            {t('enrolment.action.approve')}
                          </button>
                          <button
                            type="button"
                            className="button button-danger"
                            data-action="refuse"
                            disabled={busy}
                            onClick={() => refuse(request)}
                          >
                            {t('enrolment.action.refuse')}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

/** The form for one waiting screen: its code, its token's gate, and the zone known so far. */
function draftOf(request: EnrolmentRequestView): ApproveDraft {
  const fileZone = request.requestedGateId === request.gateId ? request.requestedZoneId : null;
  return { code: request.pairingCode, gateId: request.gateId, zoneId: request.zoneId ?? fileZone ?? '' };
}

function networkText(request: EnrolmentRequestView): string {
  const network = request.network;
  if (!network) return '-';
  return [network.kind, network.interface, network.address].filter((part) => part).join(' · ') || '-';
}
