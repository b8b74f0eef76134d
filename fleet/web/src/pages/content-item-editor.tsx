import { useState, type FormEvent } from 'react';
import { editWork, type WorkView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { ContentTexts } from './content-new-work.js';

interface Props {
  work: WorkView;
  gates: readonly Gate[];
  onDone(text: string): void;
  onFailed(error: unknown): void;
  onClose(): void;
}

/**
 * Changes a text (per language of its gate) or a web address. Saving makes a new draft revision:
 * the item leaves the screens until it is approved and published again, which the form says.
 */
export function ItemEditor({ work, gates, onDone, onFailed, onClose }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const spec = work.spec;
  const [name, setName] = useState(work.name);
  const [texts, setTexts] = useState<Record<string, string>>({
    ...((spec.body as Record<string, string>) ?? {}),
  });
  const [url, setUrl] = useState(String(spec.url ?? ''));
  const [busy, run] = useBusyAction(onFailed);
  const gate = gates.find((candidate) => candidate.id === work.gateId);
  const languages = [...new Set([...(gate?.languages ?? ['vi', 'en']), ...Object.keys(texts)])];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(texts).filter(([, text]) => text.trim() !== ''));
    const changed = spec.kind === 'text' ? { ...spec, body } : { ...spec, url };
    await run(async () => {
      const saved = await editWork(api, work.id, { name, spec: changed });
      onDone(t('content.edited', { name: saved.name, revision: saved.revision }));
      onClose();
    });
  };

  return (
    <form className="form content-editor" onSubmit={(event) => void save(event)} data-form="edit-item">
      <Field label={t('content.name')} name="name" value={name} onValue={setName} required maxLength={120} />
      {spec.kind === 'text' && <ContentTexts languages={languages} texts={texts} onTexts={setTexts} />}
      {spec.kind === 'web' && (
        <Field label={t('content.url')} name="url" type="url" value={url} onValue={setUrl} required />
      )}
      {work.state !== 'draft' && <p className="muted">{t('content.editWithdraws')}</p>}
      <div className="form-buttons">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('content.saveDraft')}
        </button>
        <button type="button" className="button button-quiet" onClick={onClose}>
          {t('content.cancel')}
        </button>
      </div>
    </form>
  );
}
