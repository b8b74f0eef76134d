import { useEffect, useState } from 'react';
import { listAlerts, type AlertView } from '../api/alerts-api.js';
import { fetchGatesHealth, type GateHealthSummary } from '../api/health-api.js';
import { Link } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { gateSummaryRows, openAlertsByGate } from '../model/alerts-view.js';
import { allowsSomewhere } from '../model/permissions.js';
import '../pages/alerts.css';

/** Screen states come from the fleet's own classification; it changes with the fleet, so it is read again. */
const RELOAD_MS = 10_000;
/** Enough open alerts to count per gate on any real installation. */
const OPEN_ALERTS_LIMIT = 500;

const COUNTS = ['up', 'dark', 'stale', 'offline', 'neverSeen'] as const;

/** One compact row per gate: screens up, dark, stale, offline, and its open alerts. */
export function GateHealthSummary() {
  const { t, number } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const readsAlerts = allowsSomewhere(me, 'alerts.read');
  const [health, setHealth] = useState<GateHealthSummary[] | null>(null);
  const [alerts, setAlerts] = useState<AlertView[]>([]);

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      // The summary is a convenience above the list: a failed read leaves the last one, silently.
      const [gates, open] = await Promise.all([
        fetchGatesHealth(api).catch(() => null),
        readsAlerts
          ? listAlerts(api, { state: 'open', limit: OPEN_ALERTS_LIMIT })
              .then((page) => page.alerts)
              .catch(() => null)
          : Promise.resolve([]),
      ]);
      if (stopped) return;
      if (gates) setHealth(gates);
      if (open) setAlerts(open);
    };
    void load();
    const timer = setInterval(() => void load(), RELOAD_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, readsAlerts]);

  if (!health || health.length === 0) return null;
  const rows = gateSummaryRows(health, openAlertsByGate(alerts));
  return (
    <section className="gate-health" aria-labelledby="gate-health-title">
      <h2 id="gate-health-title" className="visually-hidden">
        {t('alerts.summary.title')}
      </h2>
      <ul className="gate-health-list">
        {rows.map((row) => (
          <li
            key={row.gateId}
            className={`gate-health-row${row.attention ? ' gate-health-attention' : ''}`}
            data-gate-id={row.gateId}
          >
            <span className="gate-health-name">{row.name}</span>
            <dl className="gate-health-counts">
              <div data-count="screens">
                <dt>{t('alerts.summary.screens')}</dt>
                <dd>{number(row.screens)}</dd>
              </div>
              {COUNTS.filter((key) => key !== 'neverSeen' || row[key] > 0).map((key) => (
                <div key={key} data-count={key} className={`gate-count-${key}`}>
                  <dt>{t(`alerts.summary.${key}`)}</dt>
                  <dd>{number(row[key])}</dd>
                </div>
              ))}
              {readsAlerts && (
                <div
                  data-count="open-alerts"
                  className={row.openAlerts > 0 ? 'gate-count-alerts' : undefined}
                >
                  <dt>{t('alerts.summary.openAlerts')}</dt>
                  <dd>
                    {row.openAlerts > 0 ? <Link to="/alerts">{number(row.openAlerts)}</Link> : number(0)}
                  </dd>
                </div>
              )}
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
