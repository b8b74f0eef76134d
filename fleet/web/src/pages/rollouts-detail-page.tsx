import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';
import { getRollout, type RolloutView } from '../api/rollouts-api.js';
import { Link } from '../app/router.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { allowsSomewhere } from '../model/permissions.js';
import { doneOf, isLive, wavesText } from '../model/rollouts-view.js';
import { RolloutActions } from './rollouts-actions.js';
import { ProgressBar, RolloutStateBadge } from './rollouts-progress.js';
import { RolloutScreens } from './rollouts-screens.js';
import './rollouts.css';

/** While it runs (or is paused) the rollout changes by itself: re-read it this often. */
const LIVE_RELOAD_MS = 2_000;

/** One rollout: its waves with progress bars, every screen's state, and the buttons to steer it. */
export function RolloutDetailPage({ rolloutId }: { rolloutId: string }) {
  const { t, dateTime, number } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const describe = useDescribeError();
  const [rollout, setRollout] = useState<RolloutView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setRollout(await getRollout(api, rolloutId));
    } catch (failure) {
      const gone = failure instanceof ApiError && failure.status === 404;
      setError(gone ? t('rollouts.detail.notFound') : describe(failure));
    }
    // Not re-run when the language changes: the data does not depend on it.
  }, [api, rolloutId]);

  const live = rollout === null || isLive(rollout.state);
  useEffect(() => {
    void load();
    if (!live) return;
    const timer = setInterval(() => void load(), LIVE_RELOAD_MS);
    return () => clearInterval(timer);
  }, [load, live]);

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!rollout) return <p className="muted">{t('app.loading')}</p>;
  const target = rollout.target;
  const targets = [
    ...target.gates,
    ...target.zones,
    ...target.tags.map((tag) => `#${tag}`),
    ...target.devices,
  ].join(', ');

  return (
    <div className="rollouts-page" data-rollout-id={rollout.id} data-state={rollout.state}>
      <Link to="/rollouts" className="back-link">
        {t('rollouts.detail.back')}
      </Link>
      <div className="page-heading">
        <h1>{t('rollouts.detail.title', { version: rollout.version })}</h1>
        <RolloutStateBadge state={rollout.state} />
      </div>
      {rollout.state === 'paused' && rollout.pauseReason && (
        <Notice kind="info">{t('rollouts.detail.pausedBy', { reason: rollout.pauseReason })}</Notice>
      )}
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {allowsSomewhere(me, 'rollouts.manage') && (
        <RolloutActions
          rollout={rollout}
          onChanged={(view, text) => {
            setRollout(view);
            setNotice({ kind: 'success', text });
          }}
          onFailed={(failure) => setNotice({ kind: 'error', text: describe(failure) })}
        />
      )}
      <div className="cards">
        <section className="card" aria-labelledby="rollout-facts-title">
          <h2 id="rollout-facts-title">{rollout.id}</h2>
          <ProgressBar
            done={doneOf(rollout.totals)}
            failed={rollout.totals.failed}
            total={rollout.totals.screens}
            label={rollout.version}
          />
          <dl className="facts">
            <Fact label={t('rollouts.detail.targets')} value={targets} />
            <Fact label={t('rollouts.detail.waves')} value={wavesText(rollout.waves)} />
            <Fact label={t('rollouts.detail.maxFailures')} value={number(rollout.maxFailures + 1)} />
            <Fact
              label={t('rollouts.detail.window')}
              value={
                rollout.ignoreMaintenanceWindows
                  ? t('rollouts.detail.windowAny')
                  : t('rollouts.detail.windowGate')
              }
            />
            <Fact
              label={t('rollouts.col.created')}
              value={t('rollouts.createdBy', {
                time: dateTime(rollout.createdAt),
                name: rollout.createdBy ?? '-',
              })}
            />
            {rollout.rollbackOf && (
              <div className="fact">
                <dt>{t('rollouts.rollbackOf', { id: '' }).trim()}</dt>
                <dd>
                  <Link to={`/rollouts/${rollout.rollbackOf}`}>{rollout.rollbackOf}</Link>
                </dd>
              </div>
            )}
            {rollout.finishedAt && (
              <Fact label={t('rollouts.detail.finished')} value={dateTime(rollout.finishedAt)} />
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="rollout-waves-title" data-list="waves">
          <h2 id="rollout-waves-title">{t('rollouts.detail.waves')}</h2>
          <ol className="rollout-waves">
            {rollout.waveProgress.map((wave) => (
              <li key={wave.index} data-wave={wave.index} data-wave-state={wave.state}>
                <div className="rollout-wave-head">
                  <strong>{wave.label}</strong>{' '}
                  <span className="muted">{t(`rollouts.wave.${wave.state}`)}</span>
                  {wave.failed > 0 && (
                    <span className="rollout-failed">
                      {' '}
                      · {t('rollouts.wave.failed', { count: wave.failed })}
                    </span>
                  )}
                </div>
                <ProgressBar
                  done={doneOf(wave)}
                  failed={wave.failed}
                  total={wave.screens}
                  label={wave.label}
                />
              </li>
            ))}
          </ol>
        </section>
        <RolloutScreens rollout={rollout} />
      </div>
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
