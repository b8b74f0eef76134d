import { describe, expect, it } from 'vitest';
import { isLive, transition, type ApprovalRecord } from '../../../src/approval/approval-workflow.js';

const draft: ApprovalRecord = {
  state: 'draft',
  revision: 1,
  authorId: 'editor',
  reviewerId: null,
  reviewComment: null,
};

/** Runs the steps in order; each step is [action, actor, comment?]. */
function run(
  record: ApprovalRecord,
  ...steps: Array<[Parameters<typeof transition>[1]['action'], string, string?]>
) {
  return steps.reduce(
    (current, [action, actorId, comment]) => transition(current, { action, actorId, comment }),
    record,
  );
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('approval workflow', () => {
  it('goes draft → submitted → approved → published, and only published is live', () => {
    const submitted = run(draft, ['submit', 'editor']);
    const approved = run(submitted, ['approve', 'approver', 'Checked against the decree']);
    const published = run(approved, ['publish', 'approver']);
    expect([draft, submitted, approved, published].map((record) => [record.state, isLive(record)])).toEqual([
      ['draft', false],
      ['submitted', false],
      ['approved', false],
      ['published', true],
    ]);
    expect(approved).toMatchObject({ reviewerId: 'approver', reviewComment: 'Checked against the decree' });
  });

  it('refuses the author approving or rejecting their own work with FORBIDDEN', () => {
    const submitted = run(draft, ['submit', 'editor']);
    expect(codeOf(() => run(submitted, ['approve', 'editor', 'looks fine']))).toBe('FORBIDDEN');
    expect(codeOf(() => run(submitted, ['reject', 'editor', 'no']))).toBe('FORBIDDEN');
  });

  it('needs a comment to approve or reject', () => {
    const submitted = run(draft, ['submit', 'editor']);
    expect(codeOf(() => run(submitted, ['approve', 'approver']))).toBe('BAD_REQUEST');
    expect(codeOf(() => run(submitted, ['reject', 'approver', '   ']))).toBe('BAD_REQUEST');
  });

  it('lets rejected work be submitted again', () => {
    const rejected = run(draft, ['submit', 'editor'], ['reject', 'approver', 'Wrong island name']);
    expect(rejected.state).toBe('rejected');
    expect(run(rejected, ['submit', 'editor']).state).toBe('submitted');
  });

  it('turns an edit of published work into a new draft revision by the editor, clearing the review', () => {
    const published = run(
      draft,
      ['submit', 'editor'],
      ['approve', 'approver', 'ok'],
      ['publish', 'approver'],
    );
    const edited = run(published, ['edit', 'second-editor']);
    expect(edited).toEqual({
      state: 'draft',
      revision: 2,
      authorId: 'second-editor',
      reviewerId: null,
      reviewComment: null,
    });
    expect(isLive(edited)).toBe(false);
  });

  it('makes the editor of a revision its author: the first author may then approve it', () => {
    const edited = run(
      draft,
      ['submit', 'editor'],
      ['approve', 'approver', 'ok'],
      ['edit', 'approver'],
      ['submit', 'approver'],
    );
    expect(codeOf(() => run(edited, ['approve', 'approver', 'mine']))).toBe('FORBIDDEN');
    expect(run(edited, ['approve', 'editor', 'checked']).state).toBe('approved');
  });

  it('refuses steps out of order with CONFLICT', () => {
    expect(codeOf(() => run(draft, ['approve', 'approver', 'ok']))).toBe('CONFLICT');
    expect(codeOf(() => run(draft, ['publish', 'approver']))).toBe('CONFLICT');
    const submitted = run(draft, ['submit', 'editor']);
    expect(codeOf(() => run(submitted, ['publish', 'approver']))).toBe('CONFLICT');
    expect(codeOf(() => run(submitted, ['submit', 'editor']))).toBe('CONFLICT');
  });

  it('takes published work off the screens with unpublish, back to approved', () => {
    const published = run(
      draft,
      ['submit', 'editor'],
      ['approve', 'approver', 'ok'],
      ['publish', 'approver'],
    );
    const unpublished = run(published, ['unpublish', 'approver']);
    expect([unpublished.state, isLive(unpublished)]).toEqual(['approved', false]);
  });
});
