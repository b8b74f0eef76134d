import type { RolloutSummary } from '../api/rollouts-api.js';
import { useI18n } from '../i18n/i18n.js';
import { percentOf } from '../model/rollouts-view.js';

interface ProgressProps {
  done: number;
  failed: number;
  total: number;
  label: string;
}

/** A bar of updated (and failed) screens with its numbers beside it; readable without colour too. */
export function ProgressBar({ done, failed, total, label }: ProgressProps) {
  const { t } = useI18n();
  return (
    <div className="rollout-progress" data-done={done} data-total={total}>
      <div
        className="rollout-bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <span className="rollout-bar-done" style={{ width: `${percentOf(done, total)}%` }} />
        {failed > 0 && (
          <span className="rollout-bar-failed" style={{ width: `${percentOf(failed, total)}%` }} />
        )}
      </div>
      <span className="rollout-progress-text">{t('rollouts.progress', { done, total })}</span>
    </div>
  );
}

export function RolloutStateBadge({ state }: { state: RolloutSummary['state'] }) {
  const { t } = useI18n();
  return (
    <span className={`rollout-state rollout-state-${state}`} data-rollout-state={state}>
      {t(`rollouts.state.${state}`)}
    </span>
  );
}
