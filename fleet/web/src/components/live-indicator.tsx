import type { LiveState } from '../app/fleet-data.js';
import { useI18n } from '../i18n/i18n.js';

export function LiveIndicator({ live }: { live: LiveState }) {
  const { t } = useI18n();
  return (
    <span className={`live live-${live}`} data-live={live} title={t('live.title')} role="status">
      <span className="live-dot" aria-hidden="true" />
      {t(`live.${live}`)}
    </span>
  );
}
