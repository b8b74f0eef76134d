import { useState } from 'react';
import type { ApiClient } from '../api/client.js';
import { listWork, type WorkView } from '../api/content-api.js';
import type { Gate, Me } from '../api/types.js';
import { useFleetData } from '../app/fleet-data.js';
import { Link } from '../app/router.js';
import { useMe } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { usePageData } from '../hooks/use-page-data.js';
import { useI18n } from '../i18n/i18n.js';
import { allows, allowsSomewhere } from '../model/permissions.js';
import { ItemForm } from './content-item-form.js';
import { PlaylistForm } from './content-playlist-form.js';
import { ScheduleForm } from './content-schedule-form.js';
import { WorkTable } from './content-work-table.js';
import './content.css';

export interface ContentLists {
  items: WorkView[];
  playlists: WorkView[];
  schedules: WorkView[];
}

async function listAllWork(api: ApiClient): Promise<ContentLists> {
  const [items, playlists, schedules] = await Promise.all([
    listWork(api, 'item'),
    listWork(api, 'playlist'),
    listWork(api, 'schedule'),
  ]);
  return { items, playlists, schedules };
}

/** Items, playlists and schedules: write drafts, follow them through approval, publish them. */
export function ContentPage() {
  const { t } = useI18n();
  const me = useMe();
  const { gates } = useFleetData();
  const { data: lists, notice, done, failed } = usePageData(listAllWork);

  if (!allowsSomewhere(me, 'content.read')) return <Notice kind="error">{t('common.forbidden')}</Notice>;

  const writer = allowsSomewhere(me, 'content.write');

  return (
    <div className="content-page">
      <div className="page-heading">
        <h1>{t('content.title')}</h1>
        <Link to="/approvals" className="button button-quiet">
          {t('content.approvals.open')}
        </Link>
      </div>
      <p className="muted">{t('content.intro')}</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {lists === null ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <div className="cards">
          <WorkTable type="item" works={lists.items} gates={gates} onDone={done} onFailed={failed} />
          {writer && <ItemForm gates={gates} onDone={done} onFailed={failed} />}
          <WorkTable type="playlist" works={lists.playlists} gates={gates} onDone={done} onFailed={failed} />
          {writer && <PlaylistForm gates={gates} items={lists.items} onDone={done} onFailed={failed} />}
          <WorkTable type="schedule" works={lists.schedules} gates={gates} onDone={done} onFailed={failed} />
          {writer && (
            <ScheduleForm gates={gates} playlists={lists.playlists} onDone={done} onFailed={failed} />
          )}
          <ScreenPicker />
        </div>
      )}
    </div>
  );
}

/** A way into the preview of one screen, from the content it shows. */
function ScreenPicker() {
  const { t } = useI18n();
  const { devices } = useFleetData();
  const screens = [...devices.values()].sort((a, b) => a.id.localeCompare(b.id));
  return (
    <section className="card card-wide" aria-labelledby="content-preview-title">
      <h2 id="content-preview-title">{t('content.preview.title')}</h2>
      <p className="muted">{t('content.preview.pick')}</p>
      <ul className="content-screens">
        {screens.map((device) => (
          <li key={device.id}>
            <Link to={`/devices/${encodeURIComponent(device.id)}/preview`} className="device-link">
              {device.name}
            </Link>{' '}
            <code className="muted">{device.id}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Gates where the user may write, and fleet-wide (null) when they may write on all gates. */
export function ownerChoices(me: Pick<Me, 'permissions'>, gates: readonly Gate[]): Array<string | null> {
  const own = gates.filter((gate) => allows(me, 'content.write', gate.id)).map((gate) => gate.id);
  return allows(me, 'content.write', null) ? [null, ...own] : own;
}

/** The owner select shared by the three forms. */
export function OwnerSelect({
  value,
  onValue,
  gates,
}: {
  value: string | null;
  onValue(value: string | null): void;
  gates: readonly Gate[];
}) {
  const { t } = useI18n();
  const me = useMe();
  const choices = ownerChoices(me, gates);
  return (
    <label className="field">
      <span>{t('content.owner')}</span>
      <select
        name="owner"
        value={value ?? ''}
        onChange={(event) => onValue(event.target.value === '' ? null : event.target.value)}
      >
        {choices.map((choice) => (
          <option key={choice ?? ''} value={choice ?? ''}>
            {choice === null
              ? t('content.fleetWide')
              : (gates.find((gate) => gate.id === choice)?.name ?? choice)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The owner a form writes for: the one chosen, while it is still a choice (gates arrive after the
 * first render), else the user's first gate, else fleet-wide.
 */
export function useOwner(gates: readonly Gate[]): [string | null, (owner: string | null) => void] {
  const me = useMe();
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const choices = ownerChoices(me, gates);
  const owner =
    chosen !== undefined && choices.includes(chosen)
      ? chosen
      : (choices.find((choice) => choice !== null) ?? choices[0] ?? null);
  return [owner, setChosen];
}

/** Parts usable by work of this owner: the owner's own and fleet-wide ones. */
export function usableBy(owner: string | null, works: readonly WorkView[]): WorkView[] {
  return works.filter((work) => work.gateId === null || work.gateId === owner);
}
