import { useState } from 'react';

export type ReviewDecision = 'approve' | 'reject';

interface Props {
  labels: { comment: string; approve: string; reject: string };
  /** Disables both buttons while the decision is being sent. */
  busy: boolean;
  onDecide(decision: ReviewDecision, comment: string): void;
  textareaClassName?: string;
}

/** The second person's review: a comment (required either way), then approve or reject. */
export function ReviewWithComment({ labels, busy, onDecide, textareaClassName }: Props) {
  const [comment, setComment] = useState('');
  const button = (decision: ReviewDecision, className: string) => (
    <button
      type="button"
      className={`button ${className}`}
      data-action={decision}
      disabled={busy || comment.trim() === ''}
      onClick={() => onDecide(decision, comment)}
    >
      {labels[decision]}
    </button>
  );
  return (
    <>
      <label className="field">
        <span>{labels.comment}</span>
        <textarea
          className={textareaClassName}
          name="comment"
          rows={2}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
        />
      </label>
      <div className="form-buttons">
        {button('approve', 'button-primary')}
        {button('reject', 'button-danger')}
      </div>
    </>
  );
}
