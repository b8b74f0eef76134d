import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { parseRoute, type Route } from '../model/routes.js';

interface Router {
  route: Route;
  navigate(path: string): void;
}

const RouterContext = createContext<Router | null>(null);

/** Real URLs with the History API: a reload or a shared link opens the same page. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [pathname, setPathname] = useState(() => window.location.pathname);

  useEffect(() => {
    const onPop = () => setPathname(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((path: string) => {
    if (path !== window.location.pathname) window.history.pushState(null, '', path);
    setPathname(path);
    window.scrollTo(0, 0);
  }, []);

  const value = useMemo(() => ({ route: parseRoute(pathname), navigate }), [pathname, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside RouterProvider');
  return router;
}

interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string;
  title?: string;
  current?: boolean;
}

/** An ordinary link (middle click, new tab work) that navigates in place on a plain click. */
export function Link({ to, children, className, title, current }: LinkProps) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a
      href={to}
      onClick={onClick}
      className={className}
      title={title}
      aria-current={current ? 'page' : undefined}
    >
      {children}
    </a>
  );
}
