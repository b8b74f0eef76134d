import { ApiError } from '../api/client.js';
import { useFleetData } from '../app/fleet-data.js';
import { Link } from '../app/router.js';
import { useMe } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { StatusBadge } from '../components/status-badge.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useDeviceDetail } from '../hooks/use-device-detail.js';
import { useNow } from '../hooks/use-now.js';
import { useI18n } from '../i18n/i18n.js';
import { screenStatus } from '../model/screen-state.js';
import { CommandsPanel } from './commands-panel.js';
import { ComparePanel } from './compare-panel.js';
import { DetailsPanel, HealthPanel } from './device-panels.js';
import { HealthChartPanel } from './health-chart-panel.js';
import { ScreenshotPanel } from './screenshot-panel.js';

/**
 * One screen. The desired document comes from the API; presence, report and health come live
 * from the stream, like on the overview.
 */
export function DevicePage({ deviceId }: { deviceId: string }) {
  const { t } = useI18n();
  const me = useMe();
  const { devices, gates } = useFleetData();
  const nowMs = useNow();
  const liveView = devices.get(deviceId);
  const { detail, error } = useDeviceDetail(deviceId, liveView?.desiredVersion ?? null);
  const back = (
    <Link to="/" className="back-link">
      ← {t('device.back')}
    </Link>
  );

  if (!detail) {
    return (
      <div className="device-page">
        {back}
        {error === null ? (
          <p className="muted">{t('app.loading')}</p>
        ) : (
          <DeviceProblem id={deviceId} error={error} />
        )}
      </div>
    );
  }
  const device = liveView ?? detail;
  const status = screenStatus(device, nowMs);
  return (
    <div className="device-page" data-device-id={device.id}>
      {back}
      <div className="page-heading">
        <h1 className="device-title">{device.name}</h1>
        <StatusBadge status={status} nowMs={nowMs} />
      </div>
      <p className="muted device-subtitle">
        <code>{device.id}</code> ·{' '}
        {device.agentVersion ? t('device.agent', { version: device.agentVersion }) : t('device.noAgent')}
      </p>
      <div className="cards">
        <DetailsPanel device={device} status={status} gates={gates} nowMs={nowMs} />
        <HealthPanel sample={device.lastTelemetry} receivedAt={device.lastTelemetryAt} />
        <HealthChartPanel deviceId={device.id} />
        <CommandsPanel device={device} me={me} />
        <ScreenshotPanel device={device} me={me} />
        <ComparePanel desired={detail.desired} reported={device.reported} />
      </div>
    </div>
  );
}

function DeviceProblem({ id, error }: { id: string; error: unknown }) {
  const { t } = useI18n();
  const describe = useDescribeError();
  const status = error instanceof ApiError ? error.status : null;
  if (status === 404) return <Notice kind="error">{t('device.notFound', { id })}</Notice>;
  if (status === 403) return <Notice kind="error">{t('device.forbidden')}</Notice>;
  return <Notice kind="error">{t('device.loadFailed', { reason: describe(error) })}</Notice>;
}
