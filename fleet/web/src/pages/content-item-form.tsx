import { useEffect, useState } from 'react';
import { listLibraryMedia, type LibraryMediaView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { SelectField } from '../components/select-field.js';
import { useI18n } from '../i18n/i18n.js';
import { ContentTexts, NewWorkForm, useNewWork } from './content-new-work.js';

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
  const work = useNewWork('item', gates, { onDone, onFailed });
  const owner = work.owner;
  const [kind, setKind] = useState<Kind>('text');
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [sha256, setSha256] = useState('');
  const [url, setUrl] = useState('');
  const [duration, setDuration] = useState('');
  const [media, setMedia] = useState<LibraryMediaView[]>([]);

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

  const submit = async () => {
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
    await work.create(spec, () => setTexts({}));
  };

  return (
    <NewWorkForm
      work={work}
      title={t('content.addItem')}
      gates={gates}
      onSubmit={submit}
      row={
        <>
          <SelectField
            label={t('content.kind')}
            name="kind"
            value={kind}
            onValue={(value) => setKind(value as Kind)}
            options={KINDS.map((option) => ({ value: option, label: t(`content.kind.${option}`) }))}
          />
          <Field
            label={t('content.duration')}
            name="duration"
            type="number"
            min={1}
            value={duration}
            onValue={setDuration}
            disabled={kind === 'video'}
          />
        </>
      }
    >
      {kind === 'text' && <ContentTexts languages={languages} texts={texts} onTexts={setTexts} />}
      {kind === 'web' && (
        <Field label={t('content.url')} name="url" type="url" value={url} onValue={setUrl} required />
      )}
      {kind !== 'text' && kind !== 'web' && (
        <SelectField
          label={t('content.mediaFile')}
          name="media"
          value={sha256}
          onValue={setSha256}
          required
          empty={files.length === 0 ? t('content.noMedia') : t('content.pickMedia')}
          options={files.map((file) => ({
            value: file.sha256,
            label: `${file.name} (${Math.round(file.sizeBytes / 1024)} KB)`,
          }))}
        />
      )}
    </NewWorkForm>
  );
}
