import { useState } from 'react';
import type { WorkView } from '../api/content-api.js';
import type { Gate } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { toggled } from '../model/toggled.js';
import { usableBy } from './content-page.js';
import { NewWorkForm, useNewWork } from './content-new-work.js';
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
  const work = useNewWork('playlist', gates, { onDone, onFailed });
  const [chosen, setChosen] = useState<string[]>([]);
  const usable = usableBy(work.owner, items);

  const toggle = (id: string) => setChosen((current) => toggled(current, id));

  const submit = () => work.create({ entries: chosen.map((itemId) => ({ itemId })) }, () => setChosen([]));

  return (
    <NewWorkForm
      work={work}
      title={t('content.addPlaylist')}
      gates={gates}
      onSubmit={submit}
      incomplete={chosen.length === 0}
    >
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
    </NewWorkForm>
  );
}
