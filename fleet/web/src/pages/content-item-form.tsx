import { useEffect, useState, type FormEvent } from 'react';
import { createWork, listLibraryMedia, type LibraryMediaView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { useI18n } from '../i18n/i18n.js';
import { OwnerSelect, useOwner } from './content-page.js';

type Kind = 'text' | 'image' | 'video' | 'html-package' | 'web';
const KINDS: Kind[] = ['text', 'image', 'video', 'html-package', 'web'];
/** Fleet-wide texts are written in the city's two working languages. */
const FLEET_LANGUAGES = ['vi', 'en'];

interface Props {
  gates: readonly Gate[];
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** A new item: a text in each language of its gate, a file from the media library, or a web page. */
export function ItemForm({ gates, onDone, onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const [owner, setOwner] = useOwner(gates);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('text');
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [sha256, setSha256] = useState('');
  const [url, setUrl] = useState('');
  const [duration, setDuration] = useState('');
  const [media, setMedia] = useState<LibraryMediaView[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    listLibraryMedia(api)
      .then(setMedia)
      .catch(() => setMedia([]));
  }, [api]);

  const languages =
    owner === null
      ? FLEET_LANGUAGES
      : (gates.find((gate) => gate.id === owner)?.languages ?? FLEET_LANGUAGES);
  const files = media.filter((file) => file.kind === kind);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = Object.fromEntries(
      languages.filter((l) => (texts[l] ?? '').trim() !== '').map((l) => [l, texts[l]]),
    );
    const durationSec = duration === '' ? {} : { durationSec: Number(duration) };
    const spec =
      kind === 'text'
        ? { kind, body, ...durationSec }
        : kind === 'web'
          ? { kind, url, ...durationSec }
          : { kind, sha256, ...(kind === 'video' ? {} : durationSec) };
    setBusy(true);
    try {
      const work = await createWork(api, 'item', { gateId: owner, name, spec });
      setName('');
      setTexts({});
      onDone(t('content.created', { name: work.name }));
    } catch (error) {
      onFailed(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card card-wide" aria-labelledby="content-add-item-title">
      <h2 id="content-add-item-title">{t('content.addItem')}</h2>
      <form className="form" onSubmit={(event) => void submit(event)} data-form="item">
        <div className="form form-row">
          <OwnerSelect value={owner} onValue={setOwner} gates={gates} />
          <Field
            label={t('content.name')}
            name="name"
            value={name}
            onValue={setName}
            required
            maxLength={120}
          />
          <label className="field">
            <span>{t('content.kind')}</span>
            <select name="kind" value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
              {KINDS.map((option) => (
                <option key={option} value={option}>
                  {t(`content.kind.${option}`)}
                </option>
              ))}
            </select>
          </label>
          <Field
            label={t('content.duration')}
            name="duration"
            type="number"
            min={1}
            value={duration}
            onValue={setDuration}
            disabled={kind === 'video'}
          />
        </div>
        {kind === 'text' &&
          languages.map((language) => (
            <label className="field" key={language}>
              <span>{t('content.textIn', { language })}</span>
              <textarea
                className="content-text"
                name={`text-${language}`}
                lang={language}
                rows={2}
                maxLength={4000}
                value={texts[language] ?? ''}
                onChange={(event) => setTexts({ ...texts, [language]: event.target.value })}
              />
            </label>
          ))}
        {kind === 'web' && (
          <Field label={t('content.url')} name="url" type="url" value={url} onValue={setUrl} required />
        )}
        {kind !== 'text' && kind !== 'web' && (
          <label className="field">
            <span>{t('content.mediaFile')}</span>
            <select name="media" value={sha256} onChange={(event) => setSha256(event.target.value)} required>
              <option value="">{files.length === 0 ? t('content.noMedia') : t('content.pickMedia')}</option>
              {files.map((file) => (
                <option key={file.sha256} value={file.sha256}>
                  {file.name} ({Math.round(file.sizeBytes / 1024)} KB)
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('content.saveDraft')}
          </button>
        </div>
      </form>
    </section>
  );
}
