import type { DeviceView } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** Whether the screen applied the version the fleet wants it to show. */
export function SyncMark({
  device,
}: {
  device: Pick<DeviceView, 'inSync' | 'desiredVersion' | 'appliedVersion'>;
}) {
  const { t } = useI18n();
  if (device.desiredVersion === null) return <span className="sync sync-unknown">{t('sync.unknown')}</span>;
  const versions = t('sync.versions', {
    applied: device.appliedVersion ?? '—',
    desired: device.desiredVersion,
  });
  if (device.inSync)
    return (
      <span className="sync sync-ok" data-sync="in-sync" title={versions}>
        <span aria-hidden="true">✓ </span>
        {t('sync.inSync')}
      </span>
    );
  return (
    <span className="sync sync-behind" data-sync="out-of-sync" title={versions}>
      <span aria-hidden="true">⟳ </span>
      {t('sync.outOfSync')}
    </span>
  );
}
