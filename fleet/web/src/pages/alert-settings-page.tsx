import { useCallback, useEffect, useState } from 'react';
import { listChannels, type ChannelView } from '../api/alerts-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { Link } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { Dialog } from '../components/dialog.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { allows, allowsSomewhere } from '../model/permissions.js';
import { ChannelForm } from './alert-settings-channel-form.js';
import { ChannelsTable } from './alert-settings-channels.js';
import { PolicySettings } from './alert-settings-policies.js';
import './alerts.css';

/** Channels change their "last delivery" while the page is open. */
const RELOAD_MS = 10_000;

/**
 * Where alerts go and when rules fire. Channels serve every gate, so they need alerts.manage on
 * all gates; rules can be changed per gate by whoever manages alerts there.
 */
export function AlertSettingsPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const { gates } = useFleetData();
  const describe = useDescribeError();
  const [channels, setChannels] = useState<ChannelView[] | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const fleetWide = allows(me, 'alerts.manage', null);

  const load = useCallback(async () => {
    if (!fleetWide) return;
    try {
      setChannels(await listChannels(api));
    } catch (error) {
      setNotice({ kind: 'error', text: describe(error) });
    }
    // Not reloaded when the language (and so `describe`) changes: the list does not depend on it.
  }, [api, fleetWide]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), RELOAD_MS);
    return () => clearInterval(timer);
  }, [load]);

  if (!allowsSomewhere(me, 'alerts.manage')) return <Notice kind="error">{t('common.forbidden')}</Notice>;
  const done = (text: string) => {
    setNotice({ kind: 'success', text });
    void load();
  };
  const failed = (error: unknown) => setNotice({ kind: 'error', text: describe(error) });
  const problem = (text: string) => setNotice({ kind: 'error', text });

  return (
    <div className="alerts-page">
      <Link to="/alerts" className="back-link">
        {t('alerts.settings.back')}
      </Link>
      <h1>{t('alerts.settings.title')}</h1>
      <p className="muted">{t('alerts.settings.intro')}</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {fleetWide && (
        <section className="card card-wide" aria-labelledby="alert-channels-title" data-list="channels">
          <h2 id="alert-channels-title">{t('alerts.channels.title')}</h2>
          {channels === null ? (
            <p className="muted">{t('app.loading')}</p>
          ) : (
            <ChannelsTable
              channels={channels}
              gates={gates}
              onDone={done}
              onFailed={failed}
              onProblem={problem}
            />
          )}
          <h3>{t('alerts.channels.add')}</h3>
          <ChannelForm
            gates={gates}
            onFailed={failed}
            onCreated={(name, created) => {
              done(t('alerts.channels.added', { name }));
              setSecret(created);
            }}
          />
        </section>
      )}
      <section className="card card-wide" aria-labelledby="alert-policies-title">
        <h2 id="alert-policies-title">{t('alerts.policies.title')}</h2>
        <p className="muted">{t('alerts.policies.intro')}</p>
        <PolicySettings gates={gates} onDone={done} onFailed={failed} onProblem={problem} />
      </section>
      {secret && (
        <Dialog title={t('alerts.channels.secret')} onClose={() => setSecret(null)}>
          <p>{t('alerts.channels.secretOnce')}</p>
          <p className="one-time-password">
            <code data-secret>{secret}</code>
          </p>
        </Dialog>
      )}
    </div>
  );
}
