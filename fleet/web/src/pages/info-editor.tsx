import { useState, type FormEvent } from 'react';
import {
  createInfoNode,
  editInfoNode,
  type InfoKind,
  type InfoNodeView,
  type Texts,
} from '../api/info-api.js';
import { useSession } from '../app/session.js';
import { LanguageTexts } from '../components/language-texts.js';
import { useBusyAction } from '../hooks/use-busy-action.js';
import { useI18n } from '../i18n/i18n.js';
import { titleIn } from './info-order.js';

interface Props {
  /** null: a new node at `gateId`. */
  node: InfoNodeView | null;
  gateId: string | null;
  languages: readonly string[];
  categories: InfoNodeView[];
  onClose(): void;
  onDone(text: string): void;
  onFailed(error: unknown): void;
}

/** A page's main text is its last text block; the rest is edited as JSON. */
function splitBlocks(blocks: ReadonlyArray<Record<string, unknown>>): {
  text: Texts;
  at: number;
  others: Array<Record<string, unknown>>;
} {
  const at = blocks.map((block) => block.type).lastIndexOf('text');
  if (at < 0) return { text: {}, at: blocks.length, others: [...blocks] };
  return { text: (blocks[at]?.text as Texts) ?? {}, at, others: blocks.filter((_, index) => index !== at) };
}

/** Only the languages with text: an empty box is a missing translation, not an empty one. */
function filled(texts: Texts): Texts {
  return Object.fromEntries(Object.entries(texts).filter(([, value]) => value.trim() !== ''));
}

/** Title, summary and main text per gate language; other blocks (pictures, tables, QR) as JSON. */
export function InfoEditor({ node, gateId, languages, categories, onClose, onDone, onFailed }: Props) {
  const { t, language } = useI18n();
  const { api } = useSession();
  const [busy, run] = useBusyAction(onFailed);
  const split = splitBlocks(node?.blocks ?? []);
  const [kind, setKind] = useState<InfoKind>(node?.kind ?? 'page');
  const [parentId, setParentId] = useState<string | null>(node?.parentId ?? null);
  const [order, setOrder] = useState<string>(node ? String(node.order) : '');
  const [title, setTitle] = useState<Texts>(node?.title ?? {});
  const [summary, setSummary] = useState<Texts>(node?.summary ?? {});
  const [text, setText] = useState<Texts>(split.text);
  const [others, setOthers] = useState(split.others.length > 0 ? JSON.stringify(split.others, null, 2) : '');
  const [invalid, setInvalid] = useState(false);
  // Every gate language, and any other language the node already has text in.
  const shown = [...new Set([...languages, ...Object.keys(node?.title ?? {})])];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let rest: Array<Record<string, unknown>> = [];
    try {
      rest = others.trim() === '' ? [] : (JSON.parse(others) as Array<Record<string, unknown>>);
      if (!Array.isArray(rest)) throw new Error('not a list');
    } catch {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    const main = filled(text);
    const blocks = [...rest];
    if (Object.keys(main).length > 0)
      blocks.splice(Math.min(split.at, rest.length), 0, { type: 'text', text: main });
    const summaryTexts = filled(summary);
    const body = {
      parentId,
      title: filled(title),
      summary: Object.keys(summaryTexts).length > 0 ? summaryTexts : node ? null : undefined,
      blocks,
      ...(order.trim() === '' ? {} : { order: Number(order) }),
    };
    void run(async () => {
      const saved = node
        ? await editInfoNode(api, node.id, body)
        : await createInfoNode(api, { ...body, gateId, kind, summary: body.summary ?? undefined });
      onDone(t('info.done.saved', { title: titleIn(saved, language) }));
    });
  };

  const parents = categories.filter((category) => category.id !== node?.id);
  return (
    <section className="card card-wide" aria-labelledby="info-editor-title">
      <h2 id="info-editor-title">
        {node ? t('info.editing', { title: titleIn(node, language) }) : t('info.new')}
      </h2>
      <form className="form info-editor" onSubmit={submit}>
        <div className="content-inline">
          {!node && (
            <label className="field">
              <span>{t('info.kind')}</span>
              <select name="kind" value={kind} onChange={(event) => setKind(event.target.value as InfoKind)}>
                <option value="page">{t('info.kind.page')}</option>
                <option value="category">{t('info.kind.category')}</option>
              </select>
            </label>
          )}
          <label className="field">
            <span>{t('info.parent')}</span>
            <select
              name="parent"
              value={parentId ?? ''}
              onChange={(event) => setParentId(event.target.value === '' ? null : event.target.value)}
            >
              <option value="">{t('info.topLevel')}</option>
              {parents.map((category) => (
                <option key={category.id} value={category.id}>
                  {titleIn(category, language)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('info.order')}</span>
            <input
              name="order"
              type="number"
              value={order}
              onChange={(event) => setOrder(event.target.value)}
            />
          </label>
        </div>
        <div className="info-languages">
          <LanguageTexts
            languages={shown}
            texts={title}
            onTexts={setTitle}
            labelOf={(lang) => t('info.titleIn', { language: lang })}
            rows={1}
            maxLength={4000}
            textareaClassName="content-text"
          />
        </div>
        <div className="info-languages">
          <LanguageTexts
            languages={shown}
            texts={summary}
            onTexts={setSummary}
            labelOf={(lang) => t('info.summaryIn', { language: lang })}
            rows={1}
            maxLength={4000}
            textareaClassName="content-text"
          />
        </div>
        {(node?.kind ?? kind) === 'page' && (
          <div className="info-languages">
            <LanguageTexts
              languages={shown}
              texts={text}
              onTexts={setText}
              labelOf={(lang) => t('info.textIn', { language: lang })}
              rows={4}
              maxLength={4000}
              textareaClassName="content-text"
            />
          </div>
        )}
        <label className="field">
          <span>{t('info.blocks')}</span>
          <textarea
            name="blocks"
            className="content-text info-json"
            rows={4}
            value={others}
            onChange={(event) => setOthers(event.target.value)}
          />
        </label>
        {invalid && (
          <p className="notice notice-error" role="alert">
            {t('info.blocksInvalid')}
          </p>
        )}
        <div className="form-buttons">
          <button type="submit" className="button button-primary" data-action="save" disabled={busy}>
            {t('info.save')}
          </button>
          <button type="button" className="button button-quiet" onClick={onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
