import { useState, type FormEvent, type ReactNode } from 'react';
import { createWork, type WorkType } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { LanguageTexts } from '../components/language-texts.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { OwnerSelect, useOwner } from './content-page.js';

interface Callbacks {
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/**
 * What the item, playlist and schedule forms share: the owner, the name, and creating the draft
 * (then the name is cleared, `reset` clears the form's own fields, and the page says so).
 */
export function useNewWork(type: WorkType, gates: readonly Gate[], { onDone, onFailed }: Callbacks) {
  const { t } = useI18n();
  const { api } = useSession();
  const [owner, setOwner] = useOwner(gates);
  const [name, setName] = useState('');
  const [busy, run] = useBusyAction(onFailed);
  const create = (spec: Record<string, unknown>, reset?: () => void) =>
    run(async () => {
      const work = await createWork(api, type, { gateId: owner, name, spec });
      setName('');
      reset?.();
      onDone(t('content.created', { name: work.name }));
    });
  return { type, owner, setOwner, name, setName, busy, create };
}

/**
 * The card of a new-work form: owner and name first, with the form's own `row` fields beside them,
 * then its other fields, then "save draft" (disabled while busy or when `incomplete`).
 */
export function NewWorkForm(props: {
  work: ReturnType<typeof useNewWork>;
  title: string;
  gates: readonly Gate[];
  onSubmit(): Promise<void>;
  row?: ReactNode;
  children?: ReactNode;
  incomplete?: boolean;
}) {
  const { t } = useI18n();
  const { work } = props;
  const type = work.type;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.onSubmit();
  };
  return (
    <section className="card card-wide" aria-labelledby={`content-add-${type}-title`}>
      <h2 id={`content-add-${type}-title`}>{props.title}</h2>
      <form className="form" onSubmit={submit} data-form={type}>
        <div className="form form-row">
          <OwnerSelect value={work.owner} onValue={work.setOwner} gates={props.gates} />
          <Field
            label={t('content.name')}
            name="name"
            value={work.name}
            onValue={work.setName}
            required
            maxLength={120}
          />
          {props.row}
        </div>
        {props.children}
        <div className="form-buttons">
          <button
            type="submit"
            className="button button-primary"
            disabled={work.busy || props.incomplete === true}
          >
            {t('content.saveDraft')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A text item's texts, one per language: what the new-item form and the item editor show. */
export function ContentTexts(props: {
  languages: readonly string[];
  texts: Record<string, string>;
  onTexts(texts: Record<string, string>): void;
}) {
  const { t } = useI18n();
  return (
    <LanguageTexts
      {...props}
      labelOf={(language) => t('content.textIn', { language })}
      rows={2}
      maxLength={4000}
      textareaClassName="content-text"
    />
  );
}
