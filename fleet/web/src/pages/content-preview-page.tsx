import { useEffect, useState } from 'react';
import { previewOf, type Preview, type PreviewSegment } from '../api/content-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import './content.css';

const HOURS = [6, 12, 24, 48, 168] as const;

/** "What does this screen show at T": its zones as a timeline over the chosen period. */
export function PreviewPage({ deviceId }: { deviceId: string }) {
  const { t } = useI18n();
  const { api } = useSession();
  const { devices } = useFleetData();
  const describe = useDescribeError();
  const [at, setAt] = useState(() => localInput(new Date()));
  const [hours, setHours] = useState<number>(24);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const start = new Date(at);
    if (Number.isNaN(start.getTime())) return;
    previewOf(api, deviceId, start, hours)
      .then((answer) => current && (setPreview(answer), setError(null)))
      .catch((failure: unknown) => current && setError(describe(failure)));
    return () => {
      current = false;
    };
    // Not reloaded when the language (and so `describe`) changes.
  }, [api, deviceId, at, hours]);

  const device = devices.get(deviceId);
  return (
    <div className="content-page" data-preview-device={deviceId}>
      <Link to={`/devices/${encodeURIComponent(deviceId)}`} className="back-link">
        ← {device?.name ?? deviceId}
      </Link>
      <div className="page-heading">
        <h1>{t('content.preview.heading', { name: device?.name ?? deviceId })}</h1>
      </div>
      <form className="form form-row" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('content.preview.at')} name="at" type="datetime-local" value={at} onValue={setAt} />
        <label className="field">
          <span>{t('content.preview.hours')}</span>
          <select name="hours" value={hours} onChange={(event) => setHours(Number(event.target.value))}>
            {HOURS.map((option) => (
              <option key={option} value={option}>
                {t('content.preview.hoursOption', { hours: option })}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {preview && <Timeline preview={preview} />}
    </div>
  );
}

/** One bar per zone, a block per item; the table under it says the same in words. */
function Timeline({ preview }: { preview: Preview }) {
  const { t } = useI18n();
  const start = Date.parse(preview.from);
  const span = Date.parse(preview.to) - start;
  const zones = ['main', 'side', 'ticker'].filter((zone) => preview.segments.some((s) => s.zone === zone));
  const rows = merged(preview.segments);
  const clock = (iso: string) => localTime(iso, preview.timeZone);
  return (
    <section className="card card-wide" aria-labelledby="preview-timeline-title">
      <h2 id="preview-timeline-title">{t('content.preview.timeline')}</h2>
      <p className="muted">
        {t('content.preview.meta', {
          version: preview.version,
          layout: preview.layout.kind,
          timeZone: preview.timeZone,
        })}
      </p>
      {zones.map((zone) => (
        <div key={zone} className="timeline-row" data-zone={zone}>
          <span className="timeline-zone">{t(`content.zone.${zone as 'main' | 'side' | 'ticker'}`)}</span>
          <div className="timeline-bar">
            {rows
              .filter((segment) => segment.zone === zone)
              .map((segment) => (
                <span
                  key={`${segment.from}-${segment.itemId}`}
                  className={`timeline-block timeline-${segment.layer ?? 'default'}`}
                  style={{
                    left: `${((Date.parse(segment.from) - start) / span) * 100}%`,
                    width: `${((Date.parse(segment.to) - Date.parse(segment.from)) / span) * 100}%`,
                  }}
                  title={`${clock(segment.from)}–${clock(segment.to)} ${segment.label}`}
                />
              ))}
          </div>
        </div>
      ))}
      <div className="table-scroll">
        <table className="table" data-preview-table="">
          <thead>
            <tr>
              <th scope="col">{t('content.zone')}</th>
              <th scope="col">{t('content.preview.from')}</th>
              <th scope="col">{t('content.preview.to')}</th>
              <th scope="col">{t('content.layer')}</th>
              <th scope="col">{t('content.preview.shows')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((segment) => (
              <tr key={`${segment.zone}-${segment.from}-${segment.itemId}`} data-item-id={segment.itemId}>
                <td>{t(`content.zone.${segment.zone}`)}</td>
                <td className="nowrap">{clock(segment.from)}</td>
                <td className="nowrap">{clock(segment.to)}</td>
                <td>
                  {segment.layer
                    ? t(`content.layer.${segment.layer as 'official' | 'announcement'}`)
                    : t('content.preview.default')}
                </td>
                <td>
                  {segment.label} <span className="muted">({segment.kind})</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.truncated && <Notice kind="info">{t('content.preview.truncated')}</Notice>}
    </section>
  );
}

/** Consecutive plays of the same item in the same entry read as one stretch. */
function merged(segments: PreviewSegment[]): PreviewSegment[] {
  const out: PreviewSegment[] = [];
  for (const segment of segments) {
    const last = out[out.length - 1];
    const same =
      last &&
      last.zone === segment.zone &&
      last.itemId === segment.itemId &&
      last.entryId === segment.entryId;
    if (same && last.to === segment.from) out[out.length - 1] = { ...last, to: segment.to };
    else out.push(segment);
  }
  return out;
}

/** The value a datetime-local input wants, in the browser's time. */
function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** "26/11 22:00" in the gate's time zone: what people at the gate read on their clocks. */
function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}
