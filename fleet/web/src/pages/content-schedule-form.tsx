import { useState, type FormEvent } from 'react';
import { createWork, type WorkView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { useI18n } from '../i18n/i18n.js';
import { OwnerSelect, usableBy, useOwner } from './content-page.js';

const ZONES = ['main', 'side', 'ticker'] as const;
const LAYERS = ['official', 'operational', 'filler'] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

interface Props {
  gates: readonly Gate[];
  playlists: WorkView[];
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/**
 * A new schedule: a playlist in a zone on a layer, with dates, weekdays and time windows in the
 * gate's local time ("22:00-06:00" runs overnight; several windows are dayparting), for the
 * whole owner gate or some of its zones.
 */
export function ScheduleForm({ gates, playlists, onDone, onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const [owner, setOwner] = useOwner(gates);
  const [name, setName] = useState('');
  const [playlistId, setPlaylistId] = useState('');
  const [zone, setZone] = useState<(typeof ZONES)[number]>('main');
  const [layer, setLayer] = useState<(typeof LAYERS)[number]>('operational');
  const [dateFrom, setDateFrom] = useState('');
  const [dateTo, setDateTo] = useState('');
  const [weekdays, setWeekdays] = useState<number[]>([]);
  const [windows, setWindows] = useState('');
  const [zones, setZones] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const gate = gates.find((candidate) => candidate.id === owner);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = windows
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const [from, to] = part.split('-').map((time) => time.trim());
        return { from: from ?? '', to: to ?? '' };
      });
    const spec = {
      playlistId,
      zone,
      layer,
      ...(dateFrom ? { dateFrom } : {}),
      ...(dateTo ? { dateTo } : {}),
      ...(weekdays.length > 0 ? { weekdays } : {}),
      windows: parsed,
      targets: {
        gates: [],
        zones: zones.map((zoneId) => ({ gateId: owner, zoneId })),
        tags: [],
        devices: [],
      },
    };
    setBusy(true);
    try {
      const work = await createWork(api, 'schedule', { gateId: owner, name, spec });
      setName('');
      onDone(t('content.created', { name: work.name }));
    } catch (error) {
      onFailed(error);
    } finally {
      setBusy(false);
    }
  };

  const toggleDay = (day: number) =>
    setWeekdays((current) =>
      current.includes(day) ? current.filter((d) => d !== day) : [...current, day].sort(),
    );

  return (
    <section className="card card-wide" aria-labelledby="content-add-schedule-title">
      <h2 id="content-add-schedule-title">{t('content.addSchedule')}</h2>
      <form className="form" onSubmit={(event) => void submit(event)} data-form="schedule">
        <div className="form form-row">
          <OwnerSelect value={owner} onValue={setOwner} gates={gates} />
          <Field
            label={t('content.name')}
            name="name"
            value={name}
            onValue={setName}
            required
            maxLength={120}
          />
          <label className="field">
            <span>{t('content.playlist')}</span>
            <select
              name="playlist"
              value={playlistId}
              onChange={(event) => setPlaylistId(event.target.value)}
              required
            >
              <option value="">{t('content.pickPlaylist')}</option>
              {usableBy(owner, playlists).map((playlist) => (
                <option key={playlist.id} value={playlist.id}>
                  {playlist.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('content.zone')}</span>
            <select name="zone" value={zone} onChange={(event) => setZone(event.target.value as typeof zone)}>
              {ZONES.map((option) => (
                <option key={option} value={option}>
                  {t(`content.zone.${option}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('content.layer')}</span>
            <select
              name="layer"
              value={layer}
              onChange={(event) => setLayer(event.target.value as typeof layer)}
            >
              {LAYERS.map((option) => (
                <option key={option} value={option}>
                  {t(`content.layer.${option}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="form form-row">
          <Field
            label={t('content.dateFrom')}
            name="dateFrom"
            type="date"
            value={dateFrom}
            onValue={setDateFrom}
          />
          <Field label={t('content.dateTo')} name="dateTo" type="date" value={dateTo} onValue={setDateTo} />
          <Field
            label={t('content.windows')}
            name="windows"
            placeholder="06:00-09:00, 22:00-06:00"
            value={windows}
            onValue={setWindows}
          />
        </div>
        <fieldset className="content-choices content-inline">
          <legend>{t('content.weekdays')}</legend>
          {WEEKDAYS.map((day) => (
            <label key={day} className="content-choice">
              <input type="checkbox" checked={weekdays.includes(day)} onChange={() => toggleDay(day)} />
              {t(`content.weekday.${day}`)}
            </label>
          ))}
        </fieldset>
        {gate && gate.zones.length > 0 && (
          <fieldset className="content-choices content-inline">
            <legend>{t('content.targetZones')}</legend>
            {gate.zones.map((candidate) => (
              <label key={candidate.id} className="content-choice">
                <input
                  type="checkbox"
                  checked={zones.includes(candidate.id)}
                  onChange={() =>
                    setZones((current) =>
                      current.includes(candidate.id)
                        ? current.filter((id) => id !== candidate.id)
                        : [...current, candidate.id],
                    )
                  }
                />
                {candidate.name}
              </label>
            ))}
          </fieldset>
        )}
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('content.saveDraft')}
          </button>
        </div>
      </form>
    </section>
  );
}
