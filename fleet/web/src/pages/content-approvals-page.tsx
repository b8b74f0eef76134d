import { approvalQueue, stepWork, type WorkView } from '../api/content-api.js';
import { useFleetData } from '../app/fleet-data.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { ReviewWithComment } from '../components/review-with-comment.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { usePageData } from '../hooks/use-page-data.js';
import { useI18n } from '../i18n/i18n.js';
import { allowsSomewhere } from '../model/permissions.js';
import { describeSpec } from './content-work-table.js';
import './content.css';

/** What waits for me: others' work to approve or reject (with a comment), approved work to publish. */
export function ApprovalsPage() {
  const { t } = useI18n();
  const me = useMe();
  const { data: queue, notice, done, failed } = usePageData(approvalQueue);

  if (!allowsSomewhere(me, 'content.read')) return <Notice kind="error">{t('common.forbidden')}</Notice>;

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
  const [busy, run] = useBusyAction(onFailed);
  const decide = (step: 'approve' | 'reject', comment: string) =>
    run(async () => {
      await stepWork(api, work.id, step, comment);
      onDone(t(`content.done.${step}`, { name: work.name }));
    });
  return (
    <article className="content-review-card" data-work-id={work.id}>
      <Heading work={work} />
      <ReviewWithComment
        labels={{
          comment: t('content.approvals.comment'),
          approve: t('content.step.approve'),
          reject: t('content.step.reject'),
        }}
        textareaClassName="content-text"
        busy={busy}
        onDecide={(step, comment) => void decide(step, comment)}
      />
    </article>
  );
}

function PublishRow({ work, onDone, onFailed }: RowProps) {
  const { t } = useI18n();
  const { api } = useSession();
  const [busy, run] = useBusyAction(onFailed);
  const publish = () =>
    run(async () => {
      await stepWork(api, work.id, 'publish');
      onDone(t('content.done.publish', { name: work.name }));
    });
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
