import { useState } from 'react';
import {
  changeRollout,
  listPublishedReleases,
  rollBack,
  type ReleaseView,
  type RolloutView,
} from '../api/rollouts-api.js';
import { useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Dialog } from '../components/dialog.js';
import { SelectField } from '../components/select-field.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';

interface Props {
  rollout: RolloutView;
  onChanged(view: RolloutView, text: string): void;
  onFailed(error: unknown): void;
}

type Change = 'pause' | 'resume' | 'abort';

/** Pause, resume, abort (asks first) and roll back (pick the release) for people who manage rollouts. */
export function RolloutActions({ rollout, onChanged, onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const { navigate } = useRouter();
  const [busy, run] = useBusyAction(onFailed);
  const [asking, setAsking] = useState<'abort' | 'rollback' | null>(null);
  const [releases, setReleases] = useState<ReleaseView[]>([]);
  const [target, setTarget] = useState('');

  const change = (action: Change) =>
    void run(async () => {
      const view = await changeRollout(api, rollout.id, action);
      setAsking(null);
      onChanged(view, t(`rollouts.action.done.${action}`));
    });
  const openRollback = () =>
    void run(async () => {
      const published = await listPublishedReleases(api);
      setReleases(published.filter((release) => release.version !== rollout.version));
      setAsking('rollback');
    });
  const startRollback = () =>
    void run(async () => {
      const created = await rollBack(api, rollout.id, target);
      setAsking(null);
      navigate(`/rollouts/${created.id}`);
    });

  const live = rollout.state === 'running' || rollout.state === 'paused';
  return (
    <div className="rollout-actions">
      {rollout.state === 'running' && (
        <button
          type="button"
          className="button"
          data-action="pause"
          disabled={busy}
          onClick={() => change('pause')}
        >
          {t('rollouts.action.pause')}
        </button>
      )}
      {rollout.state === 'paused' && (
        <button
          type="button"
          className="button button-primary"
          data-action="resume"
          disabled={busy}
          onClick={() => change('resume')}
        >
          {t('rollouts.action.resume')}
        </button>
      )}
      {live && (
        <button
          type="button"
          className="button button-danger"
          data-action="abort"
          disabled={busy}
          onClick={() => setAsking('abort')}
        >
          {t('rollouts.action.abort')}
        </button>
      )}
      <button type="button" className="button" data-action="rollback" disabled={busy} onClick={openRollback}>
        {t('rollouts.action.rollback')}
      </button>
      {asking === 'abort' && (
        <Dialog
          title={t('rollouts.abort.title')}
          onClose={() => setAsking(null)}
          confirm={{
            label: t('rollouts.action.abort'),
            danger: true,
            busy,
            onConfirm: () => change('abort'),
          }}
        >
          <p>{t('rollouts.abort.body')}</p>
        </Dialog>
      )}
      {asking === 'rollback' && (
        <Dialog
          title={t('rollouts.rollback.title')}
          onClose={() => setAsking(null)}
          confirm={{
            label: t('rollouts.action.rollback'),
            busy: busy || target === '',
            onConfirm: startRollback,
          }}
        >
          <p>{t('rollouts.rollback.body')}</p>
          <SelectField
            label={t('rollouts.rollback.release')}
            name="rollback-to"
            value={target}
            onValue={setTarget}
            options={releases.map((release) => ({
              value: release.version,
              label: release.manifest.rollback ? `${release.version} (rollback)` : release.version,
            }))}
            empty={t('rollouts.new.pickRelease')}
          />
        </Dialog>
      )}
    </div>
  );
}
