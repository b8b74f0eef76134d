/** The dashboard's pages; paths are real URLs (the fleet answers every non-API GET with the app). */
export type Route =
  | { page: 'overview' }
  | { page: 'device'; deviceId: string }
  | { page: 'users' }
  | { page: 'audit' }
  | { page: 'account' }
  | { page: 'not-found' };

const DEVICE_ID = /^[a-z0-9][a-z0-9-]{2,63}$/;

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'overview' };
  if (path === '/users') return { page: 'users' };
  if (path === '/audit') return { page: 'audit' };
  if (path === '/account') return { page: 'account' };
  const device = /^\/devices\/([^/]+)$/.exec(path);
  if (device?.[1] !== undefined && DEVICE_ID.test(device[1])) return { page: 'device', deviceId: device[1] };
  return { page: 'not-found' };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case 'overview':
    case 'not-found':
      return '/';
    case 'device':
      return `/devices/${encodeURIComponent(route.deviceId)}`;
    default:
      return `/${route.page}`;
  }
}
