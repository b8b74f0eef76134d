import type { ApprovalRecord, ApprovalState } from './approval-workflow.js';

/**
 * The approval columns every table of work under approval stores (content work, information
 * nodes, announcement templates), and their mapping to and from the record's fields.
 */
export interface ApprovalRow {
  state: ApprovalState;
  revision: number;
  author_id: string;
  reviewer_id: string | null;
  review_comment: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApprovalFields extends ApprovalRecord {
  createdAt: string;
  updatedAt: string;
}

export function approvalFromRow(row: ApprovalRow): ApprovalFields {
  return {
    state: row.state,
    revision: row.revision,
    authorId: row.author_id,
    reviewerId: row.reviewer_id,
    reviewComment: row.review_comment,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function approvalToRow(record: ApprovalFields): ApprovalRow {
  return {
    state: record.state,
    revision: record.revision,
    author_id: record.authorId,
    reviewer_id: record.reviewerId,
    review_comment: record.reviewComment,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}
