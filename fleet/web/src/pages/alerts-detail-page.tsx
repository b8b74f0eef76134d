import { useCallback, useEffect, useState } from 'react';
import {
  getAlert,
  listChannels,
  listDeliveries,
  type AlertDetail,
  type DeliveryView,
} from '../api/alerts-api.js';
import { ApiError } from '../api/client.js';
import { Link } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { canAcknowledge, deliveriesByChannel, factEntries } from '../model/alerts-view.js';
import { allows } from '../model/permissions.js';
import { AcknowledgeDialog } from './alerts-ack-dialog.js';
import { AlertMarks, SeverityBadge, useAlertLabels } from './alerts-labels.js';
import './alerts.css';

const RELOAD_MS = 10_000;

/** One alert: where and what, its transitions, and what each chat channel was sent. */
export function AlertDetailPage({ alertId }: { alertId: string }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const labels = useAlertLabels();
  const describe = useDescribeError();
  const [alert, setAlert] = useState<AlertDetail | null>(null);
  const [deliveries, setDeliveries] = useState<DeliveryView[] | null>(null);
  const [channelNames, setChannelNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [acknowledging, setAcknowledging] = useState(false);

  const load = useCallback(async () => {
    try {
      setAlert(await getAlert(api, alertId));
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 404
          ? t('alerts.detail.notFound')
          : describe(failure),
      );
      return;
    }
    // Deliveries are a second, optional read: the alert stays readable if it fails.
    setDeliveries(await listDeliveries(api, alertId).catch(() => null));
    // Not re-run when the language changes: the data does not depend on it.
  }, [api, alertId]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), RELOAD_MS);
    return () => clearInterval(timer);
  }, [load]);

  useEffect(() => {
    if (!allows(me, 'alerts.manage', null)) return;
    listChannels(api)
      .then((channels) => setChannelNames(new Map(channels.map((channel) => [channel.id, channel.name]))))
      .catch(() => undefined);
  }, [api, me]);

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!alert) return <p className="muted">{t('app.loading')}</p>;
  const facts = factEntries(alert.facts);
  const groups = deliveriesByChannel(deliveries ?? [], channelNames);

  return (
    <div className="alerts-page" data-alert-id={alert.id} data-state={alert.state}>
      <Link to="/alerts" className="back-link">
        {t('alerts.detail.back')}
      </Link>
      <div className="page-heading">
        <h1>{t('alerts.detail.title', { rule: labels.rule(alert.rule), device: alert.deviceName })}</h1>
        <SeverityBadge severity={alert.severity} />
        <AlertMarks alert={alert} />
        {canAcknowledge(me, alert) && (
          <button
            type="button"
            className="button button-primary"
            data-action="acknowledge"
            onClick={() => setAcknowledging(true)}
          >
            {t('alerts.ack')}
          </button>
        )}
      </div>
      <p className="muted">{labels.ruleInfo(alert.rule)}</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <div className="cards">
        <section className="card" aria-labelledby="alert-facts-title">
          <h2 id="alert-facts-title">{t('alerts.detail.facts')}</h2>
          <dl className="facts">
            <Fact label={t('alerts.detail.state')} value={t(`alerts.state.${alert.state}`)} />
            <Fact label={t('alerts.detail.gate')} value={alert.gateName} />
            <Fact label={t('alerts.detail.zone')} value={alert.zoneName} />
            <div className="fact">
              <dt>{t('alerts.detail.screen')}</dt>
              <dd>
                <Link to={`/devices/${alert.deviceId}`}>{alert.deviceName}</Link>{' '}
                <code className="muted">{alert.deviceId}</code>
              </dd>
            </div>
            <Fact label={t('alerts.col.since')} value={dateTime(alert.since)} />
            {alert.firedAt && <Fact label={t('alerts.detail.firedAt')} value={dateTime(alert.firedAt)} />}
            {alert.escalatedAt && (
              <Fact label={t('alerts.detail.escalatedAt')} value={dateTime(alert.escalatedAt)} />
            )}
            {alert.resolvedAt && (
              <Fact label={t('alerts.detail.resolvedAt')} value={dateTime(alert.resolvedAt)} />
            )}
            <Fact
              label={t('alerts.col.ack')}
              value={
                alert.acknowledged
                  ? t('alerts.ackBy', { name: alert.acknowledged.by, time: dateTime(alert.acknowledged.at) })
                  : t('alerts.notAcked')
              }
            />
            {alert.acknowledged?.note && (
              <Fact label={t('alerts.detail.note')} value={alert.acknowledged.note} />
            )}
            {facts.map(([key, value]) => (
              <Fact key={key} label={labels.factName(key)} value={labels.factValue(key, value)} />
            ))}
          </dl>
        </section>
        <section className="card" aria-labelledby="alert-transitions-title">
          <h2 id="alert-transitions-title">{t('alerts.detail.transitions')}</h2>
          {alert.transitions.length === 0 ? (
            <p className="muted">{t('alerts.detail.noTransitions')}</p>
          ) : (
            <ol className="alert-transitions">
              {alert.transitions.map((transition) => (
                <li key={transition.id} data-transition={transition.kind}>
                  <strong>{t(`alerts.transition.${transition.kind}`)}</strong>{' '}
                  <time dateTime={transition.at}>{dateTime(transition.at)}</time>
                  {transition.notified && transition.notified !== 'sent' && (
                    <span className="muted"> · {t(`alerts.notified.${transition.notified}`)}</span>
                  )}
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="card card-wide" aria-labelledby="alert-deliveries-title" data-list="deliveries">
          <h2 id="alert-deliveries-title">{t('alerts.detail.deliveries')}</h2>
          {deliveries === null ? (
            <p className="muted">{t('alerts.detail.deliveriesHidden')}</p>
          ) : groups.length === 0 ? (
            <p className="muted">{t('alerts.detail.noDeliveries')}</p>
          ) : (
            groups.map((group) => (
              <div
                key={group.channelId}
                className="alert-channel-deliveries"
                data-channel-id={group.channelId}
              >
                <h3>{group.channelName}</h3>
                <div className="table-scroll">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">{t('alerts.delivery.transition')}</th>
                        <th scope="col">{t('alerts.delivery.state')}</th>
                        <th scope="col">{t('alerts.delivery.attempts')}</th>
                        <th scope="col">{t('alerts.delivery.at')}</th>
                        <th scope="col">{t('alerts.delivery.error')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {group.deliveries.map((delivery) => (
                        <tr key={delivery.id} data-delivery-state={delivery.state}>
                          <td>{t(`alerts.transition.${delivery.transitionKind}`)}</td>
                          <td>{t(`alerts.delivery.${delivery.state}`)}</td>
                          <td className="number">{delivery.attempts}</td>
                          <td className="nowrap">
                            {delivery.deliveredAt ? dateTime(delivery.deliveredAt) : ''}
                          </td>
                          <td>{delivery.lastError ?? ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ))
          )}
        </section>
      </div>
      {acknowledging && (
        <AcknowledgeDialog
          alert={alert}
          onClose={() => setAcknowledging(false)}
          onDone={() => {
            setAcknowledging(false);
            setNotice({ kind: 'success', text: t('alerts.acked') });
            void load();
          }}
          onFailed={(failure) => setNotice({ kind: 'error', text: describe(failure) })}
        />
      )}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
