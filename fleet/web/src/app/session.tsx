import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { ApiError, createApiClient, type ApiClient } from '../api/client.js';
import type { Me, SessionAnswer } from '../api/types.js';

export type SessionState =
  { status: 'loading' } | { status: 'signed-out'; ended: boolean } | { status: 'signed-in'; me: Me };

interface Session {
  api: ApiClient;
  state: SessionState;
  /** Throws ApiError (401 wrong credentials, 429 locked). */
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Reads the session again (after a password change, or to pick up new grants). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/**
 * The dashboard signs in with a session cookie (httpOnly, the script never sees it) and keeps the
 * session's CSRF token in memory only, to send with every change.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const apiRef = useRef<ApiClient | null>(null);
  if (apiRef.current === null) {
    apiRef.current = createApiClient({
      onUnauthorized: () => {
        apiRef.current?.setCsrfToken(null);
        setState({ status: 'signed-out', ended: true });
      },
    });
  }
  const api = apiRef.current;

  const accept = useCallback(
    (answer: SessionAnswer) => {
      api.setCsrfToken(answer.csrfToken);
      setState({ status: 'signed-in', me: answer.user });
    },
    [api],
  );

  const refresh = useCallback(async () => {
    try {
      accept(await api.get<SessionAnswer>('/api/v1/auth/session'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        api.setCsrfToken(null);
        setState({ status: 'signed-out', ended: false });
        return;
      }
      throw error;
    }
  }, [api, accept]);

  useEffect(() => {
    refresh().catch(() => setState({ status: 'signed-out', ended: false }));
  }, [refresh]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      accept(await api.send<SessionAnswer>('POST', '/api/v1/auth/login', { username, password }));
    },
    [api, accept],
  );

  const signOut = useCallback(async () => {
    try {
      await api.send('POST', '/api/v1/auth/logout');
    } finally {
      api.setCsrfToken(null);
      setState({ status: 'signed-out', ended: false });
    }
  }, [api]);

  const value = useMemo(
    () => ({ api, state, signIn, signOut, refresh }),
    [api, state, signIn, signOut, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only for components rendered after sign-in. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe while signed out');
  return state.me;
}
