import { useState } from 'react';
import { ApiError } from '../api/client.js';
import type { CommandResult, DeviceView, Me } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { allows } from '../model/permissions.js';

/** Taking the picture and uploading it from a screen on a slow link takes a while. */
const SCREENSHOT_TIMEOUT_MS = 60_000;

/**
 * What the screen shows, as its latest screenshot. The image is an ordinary GET the session
 * cookie authorises; a new screenshot changes its URL so the browser fetches it again.
 */
export function ScreenshotPanel({ device, me }: { device: DeviceView; me: Me }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const describe = useDescribeError();
  const canCommand = allows(me, 'devices.command', device.gateId);
  const [version, setVersion] = useState('initial');
  const [shown, setShown] = useState(true);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const src = `/api/v1/devices/${encodeURIComponent(device.id)}/screenshots/latest?v=${encodeURIComponent(version)}`;

  const take = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const path = `/api/v1/devices/${encodeURIComponent(device.id)}/commands`;
      const body = { name: 'screenshot', timeoutMs: SCREENSHOT_TIMEOUT_MS };
      const { result } = await api.send<{ result: CommandResult }>('POST', path, body);
      if (result.ok) {
        setVersion(String(result.result.screenshotId ?? result.at));
        setShown(true);
        setOutcome({ ok: true, text: t('screenshot.taken', { time: dateTime(result.at) }) });
      } else {
        setOutcome({ ok: false, text: t('screenshot.failed', { reason: result.problem.message }) });
      }
    } catch (error) {
      const reason =
        error instanceof ApiError && error.code === 'DEVICE_OFFLINE'
          ? t('commands.offline')
          : describe(error);
      setOutcome({ ok: false, text: t('screenshot.failed', { reason }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card screenshot-card" aria-labelledby="screenshot-title">
      <h2 id="screenshot-title">{t('screenshot.title')}</h2>
      {canCommand && (
        <div className="command">
          <button
            type="button"
            className="button"
            data-command="screenshot"
            disabled={busy}
            onClick={() => void take()}
          >
            {t('screenshot.take')}
          </button>
          <span className="muted">{t('screenshot.hint')}</span>
        </div>
      )}
      {busy && (
        <p className="muted" role="status">
          {t('commands.busy')}
        </p>
      )}
      {outcome && <Notice kind={outcome.ok ? 'success' : 'error'}>{outcome.text}</Notice>}
      {shown ? (
        <img
          key={version}
          className="screenshot"
          src={src}
          alt={t('screenshot.alt', { name: device.name })}
          onError={() => setShown(false)}
        />
      ) : (
        <p className="muted">{t('screenshot.none')}</p>
      )}
    </section>
  );
}
