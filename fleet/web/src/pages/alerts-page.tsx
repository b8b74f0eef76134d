import { useCallback, useEffect, useState } from 'react';
import { listAlerts, type AlertStateFilter, type AlertView } from '../api/alerts-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { Link } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { optionsOf, SelectField } from '../components/select-field.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useNow } from '../hooks/use-now.js';
import { useI18n } from '../i18n/i18n.js';
import { sortAlerts } from '../model/alerts-view.js';
import { allows, allowsSomewhere } from '../model/permissions.js';
import { AcknowledgeDialog } from './alerts-ack-dialog.js';
import { AlertsTable } from './alerts-table.js';
import './alerts.css';

/** Alerts change without anyone on this page doing anything: the list follows every few seconds. */
const RELOAD_MS = 10_000;
const PAGE_SIZE = 50;
const STATES: AlertStateFilter[] = ['open', 'resolved', 'all'];

interface Listing {
  first: AlertView[];
  /** Older pages the person asked for; kept while the first page refreshes. */
  older: AlertView[];
  nextBefore: string | null;
}

/** Open alerts first, filtered by gate and state; acknowledge, page back through history. */
export function AlertsPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const { gates } = useFleetData();
  const describe = useDescribeError();
  const nowMs = useNow();
  const [gateId, setGateId] = useState('');
  const [state, setState] = useState<AlertStateFilter>('open');
  const [listing, setListing] = useState<Listing | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [acknowledging, setAcknowledging] = useState<AlertView | null>(null);

  const load = useCallback(async () => {
    try {
      const page = await listAlerts(api, { state, gateId, limit: PAGE_SIZE });
      setListing((current) => ({
        first: page.alerts,
        older: current?.older ?? [],
        nextBefore: current && current.older.length > 0 ? current.nextBefore : page.nextBefore,
      }));
    } catch (error) {
      setNotice({ kind: 'error', text: describe(error) });
    }
    // Not reloaded when the language (and so `describe`) changes: the list does not depend on it.
  }, [api, state, gateId]);

  useEffect(() => {
    setListing(null);
    void load();
    const timer = setInterval(() => void load(), RELOAD_MS);
    return () => clearInterval(timer);
  }, [load]);

  const loadOlder = async () => {
    if (!listing?.nextBefore) return;
    try {
      const page = await listAlerts(api, { state, gateId, limit: PAGE_SIZE, before: listing.nextBefore });
      setListing({ ...listing, older: [...listing.older, ...page.alerts], nextBefore: page.nextBefore });
    } catch (error) {
      setNotice({ kind: 'error', text: describe(error) });
    }
  };

  if (!allowsSomewhere(me, 'alerts.read')) return <Notice kind="error">{t('common.forbidden')}</Notice>;
  const readable = gates.filter((gate) => allows(me, 'alerts.read', gate.id));
  const seen = new Set<string>();
  const alerts = sortAlerts(
    [...(listing?.first ?? []), ...(listing?.older ?? [])].filter((alert) => {
      if (seen.has(alert.id)) return false;
      seen.add(alert.id);
      return true;
    }),
  );
  const heading =
    state === 'open'
      ? t('alerts.open.title')
      : state === 'resolved'
        ? t('alerts.history.title')
        : t('alerts.title');
  const empty =
    state === 'open'
      ? t('alerts.open.none')
      : state === 'resolved'
        ? t('alerts.history.none')
        : t('alerts.none');

  return (
    <div className="alerts-page">
      <div className="page-heading">
        <h1>{t('alerts.title')}</h1>
        {allowsSomewhere(me, 'alerts.manage') && (
          <Link to="/alerts/settings" className="button button-quiet">
            {t('alerts.settingsLink')}
          </Link>
        )}
      </div>
      <p className="muted">{t('alerts.intro')}</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <form
        className="alerts-filters"
        aria-label={t('alerts.filters')}
        onSubmit={(event) => event.preventDefault()}
      >
        <SelectField
          label={t('alerts.filter.gate')}
          name="gate"
          value={gateId}
          onValue={setGateId}
          options={optionsOf(readable)}
          empty={t('alerts.filter.allGates')}
        />
        <fieldset className="alerts-state-filter">
          <legend>{t('alerts.filter.state')}</legend>
          {STATES.map((option) => (
            <label key={option} className="alerts-state-option">
              <input
                type="radio"
                name="state"
                value={option}
                checked={state === option}
                onChange={() => setState(option)}
              />
              {t(`alerts.state.${option}`)}
            </label>
          ))}
        </fieldset>
      </form>
      <section className="card card-wide" aria-labelledby="alerts-list-title" data-list={state}>
        <h2 id="alerts-list-title">{heading}</h2>
        {listing === null ? (
          <p className="muted">{t('app.loading')}</p>
        ) : alerts.length === 0 ? (
          <p className="muted" data-empty>
            {empty}
          </p>
        ) : (
          <AlertsTable alerts={alerts} nowMs={nowMs} onAcknowledge={setAcknowledging} />
        )}
        {listing?.nextBefore && (
          <div className="pager">
            <button type="button" className="button" data-action="older" onClick={() => void loadOlder()}>
              {t('alerts.more')}
            </button>
          </div>
        )}
      </section>
      {acknowledging && (
        <AcknowledgeDialog
          alert={acknowledging}
          onClose={() => setAcknowledging(null)}
          onDone={() => {
            setAcknowledging(null);
            setNotice({ kind: 'success', text: t('alerts.acked') });
            void load();
          }}
          onFailed={(error) => setNotice({ kind: 'error', text: describe(error) })}
        />
      )}
    </div>
  );
}
