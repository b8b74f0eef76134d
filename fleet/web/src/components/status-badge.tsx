import { useI18n } from '../i18n/i18n.js';
import type { ScreenStatus } from '../model/screen-state.js';

/** The screen's state as a coloured dot and a word (colour is never the only signal). */
export function StatusBadge({
  status,
  nowMs,
  long = false,
}: {
  status: ScreenStatus;
  nowMs: number;
  long?: boolean;
}) {
  const { t, relative, dateTime } = useI18n();
  const label = t(`state.${status.state}`);
  const detail = statusDetail(status, nowMs, { t, relative });
  return (
    <span
      className={`status status-${status.state}`}
      data-state={status.state}
      title={status.since ? dateTime(status.since) : undefined}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{label}</span>
      {long && detail && <span className="status-detail">{detail}</span>}
    </span>
  );
}

export function statusDetail(
  status: ScreenStatus,
  nowMs: number,
  { t, relative }: Pick<ReturnType<typeof useI18n>, 't' | 'relative'>,
): string | null {
  if (status.state === 'never-seen') return t('state.neverSeenHint');
  if (status.since === null) return null;
  const time = relative(status.since, nowMs);
  if (status.state === 'offline') return t('state.offlineSince', { time });
  if (status.state === 'stale') return t('state.staleSince', { time });
  return t('state.onlineSince', { time });
}
