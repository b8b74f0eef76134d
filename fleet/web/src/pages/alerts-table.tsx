import type { AlertView } from '../api/alerts-api.js';
import { Link } from '../app/router.js';
import { useMe } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { canAcknowledge } from '../model/alerts-view.js';
import { AlertMarks, SeverityBadge, useAlertLabels } from './alerts-labels.js';

interface Props {
  alerts: AlertView[];
  nowMs: number;
  onAcknowledge(alert: AlertView): void;
}

/**
 * The alerts as a table; on a phone each row becomes a card (alerts.css) with the column names
 * written beside the values, so an officer on duty reads it without scrolling sideways.
 */
export function AlertsTable({ alerts, nowMs, onAcknowledge }: Props) {
  const { t, dateTime, relative } = useI18n();
  const labels = useAlertLabels();
  const me = useMe();
  return (
    <div className="table-scroll">
      <table className="table alerts-table">
        <thead>
          <tr>
            <th scope="col">{t('alerts.col.severity')}</th>
            <th scope="col">{t('alerts.col.what')}</th>
            <th scope="col">{t('alerts.col.where')}</th>
            <th scope="col">{t('alerts.col.since')}</th>
            <th scope="col">{t('alerts.col.ack')}</th>
            <th scope="col">{t('alerts.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr
              key={alert.id}
              data-alert-id={alert.id}
              data-rule={alert.rule}
              data-state={alert.state}
              data-device-id={alert.deviceId}
              className={`alert-row alert-${alert.state}`}
            >
              <td data-label={t('alerts.col.severity')}>
                <SeverityBadge severity={alert.severity} />
              </td>
              <td data-label={t('alerts.col.what')}>
                <span className="alert-rule" title={labels.ruleInfo(alert.rule)}>
                  {labels.rule(alert.rule)}
                </span>{' '}
                <AlertMarks alert={alert} />
              </td>
              <td data-label={t('alerts.col.where')}>
                <Link to={`/devices/${alert.deviceId}`} className="alert-device">
                  {alert.deviceName || alert.deviceId}
                </Link>
                <span className="alert-place muted">
                  {alert.gateName} · {alert.zoneName}
                </span>
              </td>
              <td data-label={t('alerts.col.since')}>
                <time dateTime={alert.since} title={dateTime(alert.since)}>
                  {relative(alert.since, nowMs)}
                </time>
                {alert.resolvedAt !== null && (
                  <span className="muted alert-resolved-at">
                    {t('alerts.col.resolved')}: {dateTime(alert.resolvedAt)}
                  </span>
                )}
              </td>
              <td data-label={t('alerts.col.ack')} className="alert-ack">
                {alert.acknowledged ? (
                  <span data-acknowledged-by={alert.acknowledged.by}>
                    {t('alerts.ackBy', {
                      name: alert.acknowledged.by,
                      time: dateTime(alert.acknowledged.at),
                    })}
                    {alert.acknowledged.note && (
                      <span className="alert-note">“{alert.acknowledged.note}”</span>
                    )}
                  </span>
                ) : (
                  <span className="muted">{t('alerts.notAcked')}</span>
                )}
              </td>
              <td className="row-actions">
                <Link to={`/alerts/${alert.id}`} className="button button-quiet">
                  {t('alerts.details')}
                </Link>
                {canAcknowledge(me, alert) && (
                  <button
                    type="button"
                    className="button button-primary"
                    data-action="acknowledge"
                    onClick={() => onAcknowledge(alert)}
                  >
                    {t('alerts.ack')}
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
