import { useState, type FormEvent } from 'react';
import { createWork, type WorkView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { useI18n } from '../i18n/i18n.js';
import { OwnerSelect, usableBy, useOwner } from './content-page.js';
import { describeSpec } from './content-work-table.js';

interface Props {
  gates: readonly Gate[];
  items: WorkView[];
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** A new playlist: items in the order they are ticked. */
export function PlaylistForm({ gates, items, onDone, onFailed }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const [owner, setOwner] = useOwner(gates);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const usable = usableBy(owner, items);

  const toggle = (id: string) =>
    setChosen((current) =>
      current.includes(id) ? current.filter((other) => other !== id) : [...current, id],
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const spec = { entries: chosen.map((itemId) => ({ itemId })) };
      const work = await createWork(api, 'playlist', { gateId: owner, name, spec });
      setName('');
      setChosen([]);
      onDone(t('content.created', { name: work.name }));
    } catch (error) {
      onFailed(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card card-wide" aria-labelledby="content-add-playlist-title">
      <h2 id="content-add-playlist-title">{t('content.addPlaylist')}</h2>
      <form className="form" onSubmit={(event) => void submit(event)} data-form="playlist">
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
        </div>
        <fieldset className="content-choices">
          <legend>{t('content.playlistItems')}</legend>
          {usable.length === 0 && <p className="muted">{t('content.none')}</p>}
          {usable.map((item) => (
            <label key={item.id} className="content-choice">
              <input
                type="checkbox"
                name="item"
                value={item.id}
                checked={chosen.includes(item.id)}
                onChange={() => toggle(item.id)}
              />
              {chosen.includes(item.id) && <span className="chip">{chosen.indexOf(item.id) + 1}</span>}
              <span>
                {item.name} <span className="muted">{describeSpec(item, t)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy || chosen.length === 0}>
            {t('content.saveDraft')}
          </button>
        </div>
      </form>
    </section>
  );
}
