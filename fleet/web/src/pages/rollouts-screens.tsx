import type { RolloutView } from '../api/rollouts-api.js';
import { Link } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';
import { formatBytes } from '../model/format.js';

/** Every screen of the rollout: where it is, how far its update got, and what went wrong. */
export function RolloutScreens({ rollout }: { rollout: RolloutView }) {
  const { t } = useI18n();
  return (
    <section className="card card-wide" aria-labelledby="rollout-screens-title" data-list="screens">
      <h2 id="rollout-screens-title">{t('rollouts.detail.screens')}</h2>
      <div className="table-scroll">
        <table className="table rollout-screens">
          <thead>
            <tr>
              <th scope="col">{t('rollouts.col.gate')}</th>
              <th scope="col">{t('rollouts.col.screen')}</th>
              <th scope="col">{t('rollouts.col.state')}</th>
              <th scope="col">{t('rollouts.col.waitingFor')}</th>
              <th scope="col">{t('rollouts.col.agentVersion')}</th>
              <th scope="col">{t('rollouts.col.update')}</th>
              <th scope="col">{t('rollouts.col.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {rollout.screens.map((screen) => (
              <tr key={screen.deviceId} data-device-id={screen.deviceId} data-screen-state={screen.state}>
                <td data-label={t('rollouts.col.gate')}>
                  {screen.gateId}
                  {screen.zoneId && <span className="muted">/{screen.zoneId}</span>}
                </td>
                <td data-label={t('rollouts.col.screen')}>
                  <Link to={`/devices/${screen.deviceId}`}>{screen.name}</Link>
                  {!screen.online && <span className="muted rollout-note">{t('rollouts.offline')}</span>}
                </td>
                <td data-label={t('rollouts.col.state')}>
                  <span className={`rollout-screen-state screen-${screen.state}`}>
                    {t(`rollouts.screen.${screen.state}`)}
                  </span>
                  <span className="muted rollout-note">
                    {rollout.waveProgress[screen.wave]?.label ?? screen.wave + 1}
                  </span>
                </td>
                <td data-label={t('rollouts.col.waitingFor')}>
                  {screen.waitingFor ? t(`rollouts.waiting.${screen.waitingFor}`) : ''}
                </td>
                <td data-label={t('rollouts.col.agentVersion')} className="nowrap">
                  {screen.agentVersion ?? ''}
                </td>
                <td data-label={t('rollouts.col.update')} className="nowrap">
                  {screen.updateState ?? ''}
                  {screen.downloadedBytes !== null && screen.updateState === 'downloading' && (
                    <span className="muted rollout-note">{formatBytes(screen.downloadedBytes)}</span>
                  )}
                </td>
                <td data-label={t('rollouts.col.problem')}>
                  {screen.problem && (
                    <span className="rollout-problem" title={screen.problem.code}>
                      {screen.problem.message}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
