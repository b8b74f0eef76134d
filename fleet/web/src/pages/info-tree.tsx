import { useState } from 'react';
import { removeInfoNode, stepInfoNode, type InfoNodeView, type InfoStep } from '../api/info-api.js';
import { useMe, useSession } from '../app/session.js';
import { ReviewWithComment } from '../components/review-with-comment.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { allows } from '../model/permissions.js';
import { titleIn, treeOrder } from './info-order.js';

interface Props {
  nodes: InfoNodeView[];
  onEdit(node: InfoNodeView): void;
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** The tree with each node's state, badges and the steps this user may take. */
export function InfoTree({ nodes, onEdit, onDone, onFailed }: Props) {
  const { t } = useI18n();
  return (
    <section className="card card-wide" aria-labelledby="info-tree-title">
      <h2 id="info-tree-title">{t('info.tree')}</h2>
      {nodes.length === 0 ? (
        <p className="muted">{t('info.empty')}</p>
      ) : (
        <ul className="info-tree">
          {treeOrder(nodes).map(({ node, depth }) => (
            <InfoRow
              key={node.id}
              node={node}
              depth={depth}
              onEdit={onEdit}
              onDone={onDone}
              onFailed={onFailed}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function InfoRow({
  node,
  depth,
  onEdit,
  onDone,
  onFailed,
}: { node: InfoNodeView; depth: number } & Omit<Props, 'nodes'>) {
  const { t, language } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const [busy, runBusy] = useBusyAction(onFailed);
  const [reviewing, setReviewing] = useState(false);
  const can = (permission: 'content.write' | 'content.approve' | 'content.publish') =>
    allows(me, permission, node.gateId);
  const title = titleIn(node, language);
  const steps: InfoStep[] = [];
  if (can('content.write') && (node.state === 'draft' || node.state === 'rejected')) steps.push('submit');
  if (can('content.publish') && node.state === 'approved') steps.push('publish');
  if (can('content.publish') && node.state === 'published') steps.push('unpublish');
  const reviewable = node.state === 'submitted' && can('content.approve') && node.authorId !== me.id;
  const editable = can('content.write') && (node.state !== 'published' || can('content.publish'));

  const step = (which: InfoStep, comment?: string) =>
    runBusy(async () => {
      const after = await stepInfoNode(api, node.id, which, comment);
      onDone(t('info.done.step', { title, state: t(`content.state.${after.state}`) }));
    });

  return (
    <li
      className="info-node"
      style={{ marginInlineStart: `${depth * 1.5}rem` }}
      data-node-id={node.id}
      data-state={node.state}
    >
      <div className="info-node-head">
        <span className="chip">{t(`info.kind.${node.kind}`)}</span>
        <strong lang={node.title[language] ? language : undefined}>{title}</strong>
        <code className="muted">{node.id}</code>
        <span className={`chip content-state content-state-${node.state}`}>
          {t(`content.state.${node.state}`)}
        </span>
        <span className="muted">{t('content.revision', { revision: node.revision })}</span>
        <span className={`chip ${node.shown ? 'info-shown' : 'info-hidden'}`}>
          {t(node.shown ? 'info.shown' : 'info.hidden')}
        </span>
        {node.sample && <span className="chip info-sample">{t('info.sample')}</span>}
        {node.missing.length > 0 && (
          <span className="chip info-missing" data-missing={node.missing.join(' ')}>
            {t('info.missing', { languages: node.missing.join(', ') })}
          </span>
        )}
      </div>
      {node.reviewComment && (
        <div className="content-review">
          {t('content.review', { name: node.reviewerName ?? '?', comment: node.reviewComment })}
        </div>
      )}
      <div className="row-actions">
        {steps.map((which) => (
          <button
            key={which}
            type="button"
            className={`button ${which === 'publish' ? 'button-primary' : 'button-quiet'}`}
            data-action={which}
            disabled={busy}
            onClick={() => void step(which)}
          >
            {t(`content.step.${which}`)}
          </button>
        ))}
        {reviewable && !reviewing && (
          <button
            type="button"
            className="button button-quiet"
            data-action="review"
            onClick={() => setReviewing(true)}
          >
            {t('info.review')}
          </button>
        )}
        {editable && (
          <button
            type="button"
            className="button button-quiet"
            data-action="edit"
            onClick={() => onEdit(node)}
          >
            {t('info.edit')}
          </button>
        )}
        {editable && (
          <button
            type="button"
            className="button button-quiet"
            data-action="remove"
            disabled={busy}
            onClick={() =>
              void runBusy(async () => {
                await removeInfoNode(api, node.id);
                onDone(t('info.done.remove', { title }));
              })
            }
          >
            {t('info.remove')}
          </button>
        )}
      </div>
      {reviewing && (
        <div className="content-review-card">
          <ReviewWithComment
            labels={{
              comment: t('info.reviewComment'),
              approve: t('content.step.approve'),
              reject: t('content.step.reject'),
            }}
            busy={busy}
            textareaClassName="content-text"
            onDecide={(decision, comment) => void step(decision, comment)}
          />
        </div>
      )}
    </li>
  );
}
