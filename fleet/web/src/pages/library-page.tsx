import { useCallback, useEffect, useRef, useState } from 'react';
import { formatBytes as formatSize } from '../../../src/library/format-bytes.js';
import { deleteMedia, listMedia, startUpload, type MediaView } from '../api/library-api.js';
import { useMe, useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { allowsSomewhere } from '../model/permissions.js';
import './library.css';

type UploadState =
  | { phase: 'idle' }
  | { phase: 'sending'; sent: number; total: number; reconnecting: boolean }
  | { phase: 'done'; name: string }
  | { phase: 'refused'; reason: string };

/** The fleet-wide media library: upload (resumable), list with thumbnails and probe facts, delete. */
export function LibraryPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const describe = useDescribeError();
  const [media, setMedia] = useState<MediaView[] | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canWrite = allowsSomewhere(me, 'content.write');

  const reload = useCallback(() => {
    listMedia(api)
      .then((list) => {
        setMedia(list);
        setProblem(null);
      })
      .catch(setProblem);
  }, [api]);
  useEffect(reload, [reload]);

  const remove = (item: MediaView) => {
    deleteMedia(api, item.sha256)
      .then(() => {
        setNotice(t('library.deleted', { name: item.name }));
        reload();
      })
      .catch(setProblem);
  };

  return (
    <div className="library-page">
      <h1>{t('library.title')}</h1>
      <p className="muted">{t('library.intro')}</p>
      {canWrite && <UploadCard onStored={reload} />}
      {problem !== null && <Notice kind="error">{describe(problem)}</Notice>}
      {notice !== null && <Notice kind="success">{notice}</Notice>}
      <section className="card card-wide">
        <h2>{t('library.list.title')}</h2>
        {media && media.length === 0 && <p className="muted">{t('library.list.none')}</p>}
        {media && media.length > 0 && <MediaTable media={media} canWrite={canWrite} onDelete={remove} />}
      </section>
    </div>
  );
}

function UploadCard({ onStored }: { onStored: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<(() => void) | null>(null);
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  useEffect(() => () => abort.current?.(), []);

  const start = () => {
    const file = input.current?.files?.[0];
    if (!file) return;
    setState({ phase: 'sending', sent: 0, total: file.size, reconnecting: false });
    startUpload(api, file, {
      onProgress: (sent, total) => setState({ phase: 'sending', sent, total, reconnecting: false }),
      onRetry: () =>
        setState((current) => (current.phase === 'sending' ? { ...current, reconnecting: true } : current)),
      onDone: () => {
        setState({ phase: 'done', name: file.name });
        onStored();
      },
      onError: (reason) => setState({ phase: 'refused', reason }),
    })
      .then((cancel) => (abort.current = cancel))
      .catch((error: unknown) => setState({ phase: 'refused', reason: (error as Error).message }));
  };

  const sending = state.phase === 'sending';
  const percent = sending && state.total > 0 ? Math.floor((state.sent / state.total) * 100) : 0;
  return (
    <section className="card card-wide">
      <h2>{t('library.upload.title')}</h2>
      <form
        className="form-row"
        onSubmit={(event) => {
          event.preventDefault();
          start();
        }}
      >
        <label className="field">
          <span>{t('library.upload.file')}</span>
          <input ref={input} type="file" name="file" disabled={sending} />
        </label>
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={sending} data-action="upload">
            {t('library.upload.start')}
          </button>
        </div>
      </form>
      {sending && (
        <div className="library-upload-status" data-state={state.reconnecting ? 'reconnecting' : 'sending'}>
          <progress
            className="library-progress"
            max={100}
            value={percent}
            aria-label={t('library.upload.title')}
          />
          <p className="muted">
            {state.reconnecting
              ? t('library.upload.reconnecting')
              : t('library.upload.progress', { percent, total: formatSize(state.total) })}
          </p>
        </div>
      )}
      {state.phase === 'done' && (
        <Notice kind="success">{t('library.upload.done', { name: state.name })}</Notice>
      )}
      {state.phase === 'refused' && (
        <Notice kind="error">{t('library.upload.refused', { reason: state.reason })}</Notice>
      )}
    </section>
  );
}

function MediaTable(props: { media: MediaView[]; canWrite: boolean; onDelete: (item: MediaView) => void }) {
  const { t } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table library-table">
        <thead>
          <tr>
            <th scope="col">{t('library.column.preview')}</th>
            <th scope="col">{t('library.column.name')}</th>
            <th scope="col">{t('library.column.kind')}</th>
            <th scope="col">{t('library.column.size')}</th>
            <th scope="col">{t('library.column.duration')}</th>
            <th scope="col">{t('library.column.resolution')}</th>
            <th scope="col">{t('library.column.warnings')}</th>
            {props.canWrite && <th scope="col">{t('library.column.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {props.media.map((item) => (
            <tr key={item.sha256} data-sha256={item.sha256}>
              <td>
                {item.thumbnailUrl ? (
                  <img className="library-thumb" src={item.thumbnailUrl} alt="" loading="lazy" />
                ) : (
                  <span className="library-thumb library-thumb-none">{t(`library.kind.${item.kind}`)}</span>
                )}
              </td>
              <td className="library-name">{item.name}</td>
              <td>{t(`library.kind.${item.kind}`)}</td>
              <td className="nowrap">{formatSize(item.sizeBytes)}</td>
              <td className="nowrap">
                {item.probe?.durationSec ? `${Math.round(item.probe.durationSec * 10) / 10} s` : '–'}
              </td>
              <td className="nowrap">
                {item.probe?.width && item.probe.height ? `${item.probe.width}×${item.probe.height}` : '–'}
              </td>
              <td>
                {item.warnings.length === 0 ? (
                  <span className="muted">{t('library.noWarnings')}</span>
                ) : (
                  <ul className="library-warnings">
                    {item.warnings.map((warning) => (
                      <li key={warning}>{warning}</li>
                    ))}
                  </ul>
                )}
              </td>
              {props.canWrite && (
                <td>
                  <button type="button" className="button button-quiet" onClick={() => props.onDelete(item)}>
                    {t('library.delete')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
