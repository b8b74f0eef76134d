import { useState } from 'react';
import { listInfoNodes, seedSampleTree, type InfoNodeView } from '../api/info-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { usePageData } from '../hooks/use-page-data.js';
import { useI18n } from '../i18n/i18n.js';
import { allows, allowsSomewhere } from '../model/permissions.js';
import { InfoEditor } from './info-editor.js';
import { InfoTree } from './info-tree.js';
import './info.css';

/** The scope picked in the page: a gate id, or '' for the fleet-wide nodes. */
const FLEET = '';

/** The information tree of one gate: the tree with badges and approval steps, and an editor. */
export function InfoPage() {
  const { t } = useI18n();
  const me = useMe();
  const { api } = useSession();
  const { gates } = useFleetData();
  const { data: nodes, notice, done, failed } = usePageData(listInfoNodes);
  const [scope, setScope] = useState<string | null>(null);
  const [editing, setEditing] = useState<InfoNodeView | 'new' | null>(null);
  const [busy, run] = useBusyAction(failed);

  if (!allowsSomewhere(me, 'content.read')) return <Notice kind="error">{t('common.forbidden')}</Notice>;
  const readable = gates.filter((gate) => allows(me, 'content.read', gate.id));
  const gateId = scope ?? readable[0]?.id ?? FLEET;
  const gate = gates.find((each) => each.id === gateId);
  const languages = gate?.languages ?? [...new Set(gates.flatMap((each) => each.languages))];
  const owner = gateId === FLEET ? null : gateId;
  // A gate shows its own nodes and the fleet-wide ones; the fleet-wide view shows only those.
  const visible = (nodes ?? []).filter((node) => node.gateId === null || node.gateId === owner);
  const canSeed =
    owner !== null && allows(me, 'content.publish', owner) && !visible.some((n) => n.gateId === owner);

  return (
    <div className="info-page">
      <div className="page-heading">
        <h1>{t('info.title')}</h1>
      </div>
      <p className="muted">{t('info.intro')}</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <div className="info-toolbar">
        <label className="field">
          <span>{t('info.gate')}</span>
          <select
            name="gate"
            value={gateId}
            onChange={(event) => {
              setScope(event.target.value);
              setEditing(null);
            }}
          >
            {readable.map((each) => (
              <option key={each.id} value={each.id}>
                {each.name}
              </option>
            ))}
            <option value={FLEET}>{t('info.fleetWide')}</option>
          </select>
        </label>
        {allows(me, 'content.write', owner) && (
          <button type="button" className="button" data-action="new-node" onClick={() => setEditing('new')}>
            {t('info.new')}
          </button>
        )}
        {canSeed && (
          <button
            type="button"
            className="button button-quiet"
            data-action="seed-sample"
            disabled={busy}
            onClick={() =>
              void run(async () => done(t('info.seeded', { count: await seedSampleTree(api, owner) })))
            }
          >
            {t('info.seed')}
          </button>
        )}
      </div>
      {nodes === null ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <div className="cards">
          <InfoTree nodes={visible} onEdit={setEditing} onDone={done} onFailed={failed} />
          {editing !== null && (
            <InfoEditor
              key={editing === 'new' ? `new-${gateId}` : `${editing.id}-${editing.revision}`}
              node={editing === 'new' ? null : editing}
              gateId={owner}
              languages={languages}
              categories={visible.filter((node) => node.kind === 'category')}
              onClose={() => setEditing(null)}
              onDone={(text) => {
                setEditing(null);
                done(text);
              }}
              onFailed={failed}
            />
          )}
        </div>
      )}
    </div>
  );
}
