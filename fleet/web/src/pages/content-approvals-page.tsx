import { useCallback, useEffect, useState } from 'react';
import { approvalQueue, stepWork, type ApprovalQueue, type WorkView } from '../api/content-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { allowsSomewhere } from '../model/permissions.js';
import type { ContentNotice } from './content-page.js';
import { describeSpec } from './content-work-table.js';
import './content.css';

/** What waits for me: others' work to approve or reject (with a comment), approved work to publish. */
export function ApprovalsPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const describe = useDescribeError();
  const [queue, setQueue] = useState<ApprovalQueue | null>(null);
  const [notice, setNotice] = useState<ContentNotice>(null);

  const load = useCallback(async () => {
    try {
      setQueue(await approvalQueue(api));
    } catch (error) {
      setNotice({ kind: 'error', text: describe(error) });
    }
    // Not reloaded when the language (and so `describe`) changes: the queue does not depend on it.
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!allowsSomewhere(me, 'content.read')) return <Notice kind="error">{t('common.forbidden')}</Notice>;
  const done = (text: string) => {
    setNotice({ kind: 'success', text });
    void load();
  };
  const failed = (error: unknown) => setNotice({ kind: 'error', text: describe(error) });

  return (
    <div className="content-page">
      <div className="page-heading">
        <h1>{t('content.approvals.title')}</h1>
      </div>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {queue === null ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <div className="cards">
          <section className="card card-wide" aria-labelledby="approvals-review-title" data-queue="review">
            <h2 id="approvals-review-title">{t('content.approvals.toReview')}</h2>
            {queue.toReview.length === 0 && <p className="muted">{t('content.approvals.nothing')}</p>}
            {queue.toReview.map((work) => (
              <ReviewCard key={work.id} work={work} onDone={done} onFailed={failed} />
            ))}
          </section>
          <section className="card card-wide" aria-labelledby="approvals-publish-title" data-queue="publish">
            <h2 id="approvals-publish-title">{t('content.approvals.toPublish')}</h2>
            {queue.toPublish.length === 0 && <p className="muted">{t('content.approvals.nothing')}</p>}
            {queue.toPublish.map((work) => (
              <PublishRow key={work.id} work={work} onDone={done} onFailed={failed} />
            ))}
          </section>
        </div>
      )}
    </div>
  );
}

interface RowProps {
  work: WorkView;
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

function Heading({ work }: { work: WorkView }) {
  const { t } = useI18n();
  const { gates } = useFleetData();
  const owner =
    work.gateId === null
      ? t('content.fleetWide')
      : (gates.find((gate) => gate.id === work.gateId)?.name ?? work.gateId);
  return (
    <>
      <h3>
        {work.name} <code className="muted">{work.id}</code>
      </h3>
      <p className="muted">
        {t('content.approvals.by', {
          type: t(`content.type.${work.type}`),
          owner,
          author: work.authorName ?? '?',
          revision: work.revision,
        })}
      </p>
      <p className="content-spec">{describeSpec(work, t)}</p>
    </>
  );
}

function ReviewCard({ work, onDone, onFailed }: RowProps) {
  const { t } = useI18n();
  const { api } = useSession();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const decide = async (step: 'approve' | 'reject') => {
    setBusy(true);
    try {
      await stepWork(api, work.id, step, comment);
      onDone(t(`content.done.${step}`, { name: work.name }));
    } catch (error) {
      onFailed(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="content-review-card" data-work-id={work.id}>
      <Heading work={work} />
      <label className="field">
        <span>{t('content.approvals.comment')}</span>
        <textarea
          className="content-text"
          name="comment"
          rows={2}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
        />
      </label>
      <div className="form-buttons">
        <button
          type="button"
          className="button button-primary"
          data-action="approve"
          disabled={busy || comment.trim() === ''}
          onClick={() => void decide('approve')}
        >
          {t('content.step.approve')}
        </button>
        <button
          type="button"
          className="button button-danger"
          data-action="reject"
          disabled={busy || comment.trim() === ''}
          onClick={() => void decide('reject')}
        >
          {t('content.step.reject')}
        </button>
      </div>
    </article>
  );
}

function PublishRow({ work, onDone, onFailed }: RowProps) {
  const { t } = useI18n();
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const publish = async () => {
    setBusy(true);
    try {
      await stepWork(api, work.id, 'publish');
      onDone(t('content.done.publish', { name: work.name }));
    } catch (error) {
      onFailed(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="content-review-card" data-work-id={work.id}>
      <Heading work={work} />
      {work.reviewComment && (
        <p className="content-review">
          {t('content.review', { name: work.reviewerName ?? '?', comment: work.reviewComment })}
        </p>
      )}
      <button
        type="button"
        className="button button-primary"
        data-action="publish"
        disabled={busy}
        onClick={() => void publish()}
      >
        {t('content.step.publish')}
      </button>
    </article>
  );
}
