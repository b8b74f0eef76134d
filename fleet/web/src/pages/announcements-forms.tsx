import { useState, type FormEvent } from 'react';
import {
  fireTemplate,
  sendFreeText,
  type AnnouncementTargets,
  type TemplateView,
  type Timing,
} from '../api/announcements-api.js';
import type { Gate, Me } from '../api/types.js';
import { useSession } from '../app/session.js';
import { LanguageTexts } from '../components/language-texts.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { localInputToIso } from '../model/format.js';
import { allows } from '../model/permissions.js';
import { toggled } from '../model/toggled.js';

interface FormProps {
  gates: Gate[];
  me: Me;
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** Selected gates (whole) and zones ("gate/zone"); all = every screen of every gate. */
interface Selection {
  all: boolean;
  gates: string[];
  zones: string[];
}

const EMPTY: Selection = { all: false, gates: [], zones: [] };
const DURATIONS_MIN = [15, 30, 60, 120, 360, 1440];

function toTargets(selection: Selection): AnnouncementTargets | null {
  if (selection.all) return { all: true };
  const zones = selection.zones
    .map((key) => key.split('/'))
    .filter(([gateId]) => !selection.gates.includes(gateId ?? ''))
    .map(([gateId, zoneId]) => ({ gateId: gateId ?? '', zoneId: zoneId ?? '' }));
  if (selection.gates.length === 0 && zones.length === 0) return null;
  return {
    ...(selection.gates.length ? { gates: selection.gates } : {}),
    ...(zones.length ? { zones } : {}),
  };
}

/** The languages of the chosen gates, in the gates' own order: what the screens rotate through. */
function languagesOf(gates: Gate[], selection: Selection): string[] {
  const chosen = selection.all
    ? gates
    : gates.filter(
        (gate) =>
          selection.gates.includes(gate.id) || selection.zones.some((key) => key.startsWith(`${gate.id}/`)),
      );
  return [...new Set(chosen.flatMap((gate) => gate.languages))];
}

function TargetPicker({
  gates,
  me,
  value,
  onChange,
}: {
  gates: Gate[];
  me: Me;
  value: Selection;
  onChange(next: Selection): void;
}) {
  const { t } = useI18n();
  const firable = gates.filter((gate) => allows(me, 'announcements.fire', gate.id));
  return (
    <fieldset className="announcement-targets">
      <legend>{t('announcements.targets')}</legend>
      {allows(me, 'announcements.fire', null) && (
        <label className="check">
          <input
            type="checkbox"
            name="all"
            checked={value.all}
            onChange={() => onChange({ ...value, all: !value.all })}
          />
          {t('announcements.targets.all')}
        </label>
      )}
      {!value.all &&
        firable.map((gate) => (
          <div key={gate.id} className="announcement-gate">
            <label className="check">
              <input
                type="checkbox"
                name={`gate-${gate.id}`}
                checked={value.gates.includes(gate.id)}
                onChange={() => onChange({ ...value, gates: toggled(value.gates, gate.id) })}
              />
              {t('announcements.targets.wholeGate', { gate: gate.name })}
            </label>
            {!value.gates.includes(gate.id) &&
              gate.zones.map((zone) => (
                <label key={zone.id} className="check announcement-zone">
                  <input
                    type="checkbox"
                    name={`zone-${gate.id}-${zone.id}`}
                    checked={value.zones.includes(`${gate.id}/${zone.id}`)}
                    onChange={() =>
                      onChange({ ...value, zones: toggled(value.zones, `${gate.id}/${zone.id}`) })
                    }
                  />
                  {zone.name}
                </label>
              ))}
          </div>
        ))}
    </fieldset>
  );
}

function TimingFields({
  startAt,
  duration,
  onStart,
  onDuration,
}: {
  startAt: string;
  duration: number;
  onStart(value: string): void;
  onDuration(value: number): void;
}) {
  const { t } = useI18n();
  return (
    <div className="form-row">
      <label className="field">
        <span>{t('announcements.startAt')}</span>
        <input
          type="datetime-local"
          name="startAt"
          value={startAt}
          onChange={(event) => onStart(event.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('announcements.duration')}</span>
        <select name="duration" value={duration} onChange={(event) => onDuration(Number(event.target.value))}>
          {DURATIONS_MIN.map((minutes) => (
            <option key={minutes} value={minutes}>
              {minutes < 60
                ? t('announcements.duration.minutes', { count: minutes })
                : t('announcements.duration.hours', { count: minutes / 60 })}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function timingOf(startAt: string, durationMin: number): Timing {
  const start = localInputToIso(startAt);
  return { ...(start ? { startAt: start } : {}), durationSec: durationMin * 60 };
}

/** A duty officer picks a published template and the screens: it goes out at once. */
export function FireForm({
  gates,
  me,
  templates,
  onDone,
  onFailed,
}: FormProps & { templates: TemplateView[] }) {
  const { t } = useI18n();
  const { api } = useSession();
  const published = templates.filter((template) => template.state === 'published');
  const [template, setTemplate] = useState('');
  const [selection, setSelection] = useState<Selection>(EMPTY);
  const [startAt, setStartAt] = useState('');
  const [duration, setDuration] = useState(60);
  const [busy, run] = useBusyAction(onFailed);
  const targets = toTargets(selection);
  const chosen = template || published[0]?.id || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!targets || !chosen) return;
    await run(async () => {
      const fired = await fireTemplate(api, chosen, targets, timingOf(startAt, duration));
      setSelection(EMPTY);
      onDone(t('announcements.fire.done', { count: fired.targeted }));
    });
  };

  return (
    <section className="card" aria-labelledby="announcement-fire-title">
      <h2 id="announcement-fire-title">{t('announcements.fire.title')}</h2>
      {published.length === 0 ? (
        <p className="muted">{t('announcements.fire.noTemplates')}</p>
      ) : (
        <form className="form" data-form="fire" onSubmit={(event) => void submit(event)}>
          <label className="field">
            <span>{t('announcements.fire.template')}</span>
            <select name="template" value={chosen} onChange={(event) => setTemplate(event.target.value)}>
              {published.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
          <TargetPicker gates={gates} me={me} value={selection} onChange={setSelection} />
          <TimingFields startAt={startAt} duration={duration} onStart={setStartAt} onDuration={setDuration} />
          {!targets && <p className="muted">{t('announcements.targets.none')}</p>}
          <div className="form-buttons">
            <button type="submit" className="button button-danger" disabled={busy || !targets}>
              {t('announcements.fire.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** A free text in the languages of the chosen gates; a second person approves it. */
export function FreeTextForm({ gates, me, onDone, onFailed }: FormProps) {
  const { t } = useI18n();
  const { api } = useSession();
  const [selection, setSelection] = useState<Selection>(EMPTY);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [startAt, setStartAt] = useState('');
  const [duration, setDuration] = useState(60);
  const [busy, run] = useBusyAction(onFailed);
  const targets = toTargets(selection);
  const languages = languagesOf(gates, selection);
  const body = Object.fromEntries(
    languages
      .filter((language) => (texts[language] ?? '').trim() !== '')
      .map((language) => [language, texts[language] ?? '']),
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!targets || Object.keys(body).length === 0) return;
    await run(async () => {
      await sendFreeText(api, body, targets, timingOf(startAt, duration));
      setTexts({});
      setSelection(EMPTY);
      onDone(t('announcements.free.done'));
    });
  };

  return (
    <section className="card" aria-labelledby="announcement-free-title">
      <h2 id="announcement-free-title">{t('announcements.free.title')}</h2>
      <p className="muted">{t('announcements.free.hint')}</p>
      <form className="form" data-form="free-text" onSubmit={(event) => void submit(event)}>
        <TargetPicker gates={gates} me={me} value={selection} onChange={setSelection} />
        <LanguageTexts
          languages={languages}
          texts={texts}
          onTexts={setTexts}
          labelOf={(language) => t('announcements.free.textIn', { language })}
          rows={3}
        />
        <TimingFields startAt={startAt} duration={duration} onStart={setStartAt} onDuration={setDuration} />
        <div className="form-buttons">
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || !targets || Object.keys(body).length === 0}
          >
            {t('announcements.free.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
