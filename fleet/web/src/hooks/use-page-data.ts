import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.js';
import { useSession } from '../app/session.js';
import { useDescribeError } from './use-api-error.js';

export type PageNotice = { kind: 'error' | 'success'; text: string } | null;

export interface PageData<T> {
  /** null until the first answer. */
  data: T | null;
  notice: PageNotice;
  /** After a change: say what was done and load again. */
  done(text: string): void;
  failed(error: unknown): void;
}

/**
 * What a page lists, from the API, with the page's notice line: loaded once, and again every
 * `reloadMs` when given (for lists that change while the page is open) and after each change.
 */
export function usePageData<T>(fetch: (api: ApiClient) => Promise<T>, reloadMs?: number): PageData<T> {
  const { api } = useSession();
  const describe = useDescribeError();
  const [data, setData] = useState<T | null>(null);
  const [notice, setNotice] = useState<PageNotice>(null);
  // The latest fetch, so a page may pass an inline function without reloading at each render.
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  const load = useCallback(async () => {
    try {
      setData(await fetchRef.current(api));
    } catch (error) {
      setNotice({ kind: 'error', text: describe(error) });
    }
    // Not reloaded when the language (and so `describe`) changes: the data does not depend on it.
  }, [api]);

  useEffect(() => {
    void load();
    if (reloadMs === undefined) return;
    const timer = setInterval(() => void load(), reloadMs);
    return () => clearInterval(timer);
  }, [load, reloadMs]);

  return {
    data,
    notice,
    done(text) {
      setNotice({ kind: 'success', text });
      void load();
    },
    failed: (error) => setNotice({ kind: 'error', text: describe(error) }),
  };
}
