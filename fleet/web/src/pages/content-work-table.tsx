import { useState } from 'react';
import { removeWork, stepWork, type WorkStep, type WorkType, type WorkView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useMe, useSession } from '../app/session.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/translate.js';
import { allows } from '../model/permissions.js';
import { ItemEditor } from './content-item-editor.js';

const TITLES: Record<WorkType, MessageKey> = {
  item: 'content.items',
  playlist: 'content.playlists',
  schedule: 'content.schedules',
};

interface Props {
  type: WorkType;
  works: WorkView[];
  gates: readonly Gate[];
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** One kind of work with its state and the steps this user may take from here. */
export function WorkTable({ type, works, gates, onDone, onFailed }: Props) {
  const { t } = useI18n();
  return (
    <section className="card card-wide" aria-labelledby={`content-${type}-title`} data-work-type={type}>
      <h2 id={`content-${type}-title`}>{t(TITLES[type])}</h2>
      {works.length === 0 ? (
        <p className="muted">{t('content.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table content-table">
            <thead>
              <tr>
                <th scope="col">{t('content.name')}</th>
                <th scope="col">{t('content.owner')}</th>
                <th scope="col">{t('content.state')}</th>
                <th scope="col">{t('content.author')}</th>
                <th scope="col">{t('content.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {works.map((work) => (
                <WorkRow key={work.id} work={work} gates={gates} onDone={onDone} onFailed={onFailed} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function WorkRow({ work, gates, onDone, onFailed }: { work: WorkView } & Omit<Props, 'type' | 'works'>) {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const [busy, runBusy] = useBusyAction(onFailed);
  const [editing, setEditing] = useState(false);
  const can = (permission: 'content.write' | 'content.publish') => allows(me, permission, work.gateId);
  // Texts and web addresses are edited here; other work with `gatecast … edit`.
  const editable =
    work.type === 'item' &&
    (work.spec.kind === 'text' || work.spec.kind === 'web') &&
    can('content.write') &&
    (work.state !== 'published' || can('content.publish'));
  const steps: WorkStep[] = [];
  if (can('content.write') && (work.state === 'draft' || work.state === 'rejected')) steps.push('submit');
  if (can('content.publish') && work.state === 'approved') steps.push('publish');
  if (can('content.publish') && work.state === 'published') steps.push('unpublish');

  const run = (action: () => Promise<unknown>, text: string) =>
    runBusy(async () => {
      await action();
      onDone(text);
    });

  return (
    <tr data-work-id={work.id} data-state={work.state}>
      <td>
        <strong>{work.name}</strong> <code className="muted">{work.id}</code>
        <div className="muted">{describeSpec(work, t)}</div>
        {editing && (
          <ItemEditor
            work={work}
            gates={gates}
            onDone={onDone}
            onFailed={onFailed}
            onClose={() => setEditing(false)}
          />
        )}
        {work.reviewComment && (
          <div className="content-review">
            {t('content.review', { name: work.reviewerName ?? '?', comment: work.reviewComment })}
          </div>
        )}
      </td>
      <td>
        {work.gateId === null
          ? t('content.fleetWide')
          : (gates.find((gate) => gate.id === work.gateId)?.name ?? work.gateId)}
      </td>
      <td>
        <span className={`chip content-state content-state-${work.state}`}>
          {t(`content.state.${work.state}`)}
        </span>{' '}
        <span className="muted">{t('content.revision', { revision: work.revision })}</span>
      </td>
      <td>{work.authorName ?? '-'}</td>
      <td>
        <div className="row-actions">
          {steps.map((step) => (
            <button
              key={step}
              type="button"
              className={`button ${step === 'publish' ? 'button-primary' : 'button-quiet'}`}
              data-action={step}
              disabled={busy}
              onClick={() =>
                void run(() => stepWork(api, work.id, step), t(`content.done.${step}`, { name: work.name }))
              }
            >
              {t(`content.step.${step}`)}
            </button>
          ))}
          {editable && !editing && (
            <button
              type="button"
              className="button button-quiet"
              data-action="edit"
              onClick={() => setEditing(true)}
            >
              {t('content.edit')}
            </button>
          )}
          {can('content.write') && (
            <button
              type="button"
              className="button button-quiet"
              data-action="remove"
              disabled={busy}
              onClick={() =>
                void run(() => removeWork(api, work.id), t('content.done.remove', { name: work.name }))
              }
            >
              {t('content.remove')}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** A one-line summary of what the work is: the text, the file, the URL, the playlist size, the times. */
export function describeSpec(
  work: WorkView,
  t: (key: MessageKey, params?: Record<string, string | number>) => string,
): string {
  const spec = work.spec;
  if (work.type === 'playlist')
    return t('content.summary.playlist', { count: (spec.entries as unknown[]).length });
  if (work.type === 'schedule') {
    const windows = (spec.windows as Array<{ from: string; to: string }>).map((w) => `${w.from}–${w.to}`);
    return t('content.summary.schedule', {
      playlist: String(spec.playlistId),
      zone: String(spec.zone),
      layer: String(spec.layer),
      windows: windows.length > 0 ? windows.join(', ') : t('content.allDay'),
    });
  }
  if (spec.kind === 'text') return Object.values(spec.body as Record<string, string>)[0] ?? '';
  if (spec.kind === 'web') return String(spec.url);
  return `${String(spec.kind)} ${String(spec.sha256).slice(0, 12)}…`;
}
