import { useState } from 'react';
import type { WorkView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { Field } from '../components/field.js';
import { optionsOf, SelectField } from '../components/select-field.js';
import { useI18n } from '../i18n/i18n.js';
import { toggled } from '../model/toggled.js';
import { usableBy } from './content-page.js';
import { NewWorkForm, useNewWork } from './content-new-work.js';

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
  const work = useNewWork('schedule', gates, { onDone, onFailed });
  const owner = work.owner;
  const [playlistId, setPlaylistId] = useState('');
  const [zone, setZone] = useState<(typeof ZONES)[number]>('main');
  const [layer, setLayer] = useState<(typeof LAYERS)[number]>('operational');
  const [dateFrom, setDateFrom] = useState('');
  const [dateTo, setDateTo] = useState('');
  const [weekdays, setWeekdays] = useState<number[]>([]);
  const [windows, setWindows] = useState('');
  const [zones, setZones] = useState<string[]>([]);
  const gate = gates.find((candidate) => candidate.id === owner);

  const submit = async () => {
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
    await work.create(spec);
  };

  const toggleDay = (day: number) => setWeekdays((current) => toggled(current, day).sort());

  return (
    <NewWorkForm
      work={work}
      title={t('content.addSchedule')}
      gates={gates}
      onSubmit={submit}
      row={
        <>
          <SelectField
            label={t('content.playlist')}
            name="playlist"
            value={playlistId}
            onValue={setPlaylistId}
            required
            empty={t('content.pickPlaylist')}
            options={optionsOf(usableBy(owner, playlists))}
          />
          <SelectField
            label={t('content.zone')}
            name="zone"
            value={zone}
            onValue={(value) => setZone(value as typeof zone)}
            options={ZONES.map((option) => ({ value: option, label: t(`content.zone.${option}`) }))}
          />
          <SelectField
            label={t('content.layer')}
            name="layer"
            value={layer}
            onValue={(value) => setLayer(value as typeof layer)}
            options={LAYERS.map((option) => ({ value: option, label: t(`content.layer.${option}`) }))}
          />
        </>
      }
    >
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
                onChange={() => setZones((current) => toggled(current, candidate.id))}
              />
              {candidate.name}
            </label>
          ))}
        </fieldset>
      )}
    </NewWorkForm>
  );
}
