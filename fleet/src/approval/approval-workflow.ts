import { GatecastError } from '@gatecast/protocol';

/**
 * The approval workflow every piece of content, schedule and free-text announcement follows:
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
 *     ▲                   │                    │                      │
 *     │                   └──reject──▶ rejected (edit, then submit again)
 *     └────────────── edit (from any state: the change needs a new approval) ◀─┘
 *
 * Pure: the caller loads the current record, asks `transition`, and stores what it returns
 * together with an audit entry. Only `published` work reaches a screen.
 */
export const APPROVAL_STATES = ['draft', 'submitted', 'approved', 'rejected', 'published'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const APPROVAL_ACTIONS = ['edit', 'submit', 'approve', 'reject', 'publish', 'unpublish'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

/** What the workflow needs of a record. `authorId` is whoever made the current revision. */
export interface ApprovalRecord {
  state: ApprovalState;
  revision: number;
  authorId: string;
  reviewerId: string | null;
  reviewComment: string | null;
}

export interface ApprovalStep {
  action: ApprovalAction;
  actorId: string;
  comment?: string | undefined;
}

const FROM: Readonly<Record<ApprovalAction, readonly ApprovalState[]>> = {
  edit: APPROVAL_STATES,
  submit: ['draft', 'rejected'],
  approve: ['submitted'],
  reject: ['submitted'],
  publish: ['approved'],
  unpublish: ['published'],
};

/** Returns the record after the step, or throws CONFLICT/FORBIDDEN/INVALID_REQUEST saying why. */
export function transition<T extends ApprovalRecord>(record: T, step: ApprovalStep): T {
  const { action, actorId } = step;
  if (!FROM[action].includes(record.state)) {
    throw new GatecastError(
      'CONFLICT',
      `cannot ${action} work that is ${record.state}; ${action} needs ${FROM[action].join(' or ')}`,
    );
  }
  const comment = step.comment?.trim() ?? '';
  switch (action) {
    case 'edit':
      // A new revision, whatever came before: approval was for the old text, not this one.
      return {
        ...record,
        state: 'draft',
        revision: record.revision + 1,
        authorId: actorId,
        reviewerId: null,
        reviewComment: null,
      };
    case 'submit':
      return { ...record, state: 'submitted', reviewerId: null, reviewComment: null };
    case 'approve':
    case 'reject':
      if (actorId === record.authorId) {
        throw new GatecastError(
          'FORBIDDEN',
          `the author cannot ${action} their own work; another approver must`,
        );
      }
      if (comment === '') throw new GatecastError('BAD_REQUEST', `a comment is required to ${action}`);
      return {
        ...record,
        state: action === 'approve' ? 'approved' : 'rejected',
        reviewerId: actorId,
        reviewComment: comment,
      };
    case 'publish':
      return { ...record, state: 'published' };
    case 'unpublish':
      return { ...record, state: 'approved' };
  }
}

/** True when the work may reach a screen. */
export function isLive(record: Pick<ApprovalRecord, 'state'>): boolean {
  return record.state === 'published';
}
