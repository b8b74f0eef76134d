/** The dashboard's pages; paths are real URLs (the fleet answers every non-API GET with the app). */
export type Route =
  | { page: 'overview' }
  | { page: 'device'; deviceId: string }
  | { page: 'users' }
  | { page: 'audit' }
  | { page: 'account' }
  | { page: 'library' }
  | { page: 'content' }
  | { page: 'approvals' }
  | { page: 'preview'; deviceId: string }
  | { page: 'announcements' }
  | { page: 'announcement'; announcementId: string }
  | { page: 'reports' }
  | { page: 'info' }
  | { page: 'counters' }
  | { page: 'alerts' }
  | { page: 'alert'; alertId: string }
  | { page: 'alert-settings' }
  | { page: 'rollouts' }
  | { page: 'rollout'; rolloutId: string }
  | { page: 'enrolment' }
  | { page: 'commissioning'; gateId: string }
  | { page: 'not-found' };

const DEVICE_ID = /^[a-z0-9][a-z0-9-]{2,63}$/;

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'overview' };
  if (path === '/users') return { page: 'users' };
  if (path === '/audit') return { page: 'audit' };
  if (path === '/account') return { page: 'account' };
  if (path === '/media') return { page: 'library' };
  if (path === '/content') return { page: 'content' };
  if (path === '/approvals') return { page: 'approvals' };
  const preview = /^\/devices\/([^/]+)\/preview$/.exec(path);
  if (preview?.[1] !== undefined && DEVICE_ID.test(preview[1]))
    return { page: 'preview', deviceId: preview[1] };
  if (path === '/announcements') return { page: 'announcements' };
  const announcement = /^\/announcements\/([a-f0-9]{12})$/.exec(path);
  if (announcement?.[1] !== undefined) return { page: 'announcement', announcementId: announcement[1] };
  if (path === '/reports') return { page: 'reports' };
  if (path === '/info') return { page: 'info' };
  if (path === '/counters') return { page: 'counters' };
  if (path === '/alerts') return { page: 'alerts' };
  if (path === '/alerts/settings') return { page: 'alert-settings' };
  const alert = /^\/alerts\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (alert?.[1] !== undefined) return { page: 'alert', alertId: alert[1] };
  if (path === '/rollouts') return { page: 'rollouts' };
  // /enrol?code=… is what a waiting screen's QR code opens.
  if (path === '/enrolment' || path === '/enrol') return { page: 'enrolment' };
  const rollout = /^\/rollouts\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (rollout?.[1] !== undefined) return { page: 'rollout', rolloutId: rollout[1] };
  const commissioning = /^\/gates\/([a-z0-9][a-z0-9-]{0,63})\/commissioning$/.exec(path);
  if (commissioning?.[1] !== undefined) return { page: 'commissioning', gateId: commissioning[1] };
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
    case 'library':
      return '/media';
    case 'preview':
      return `/devices/${encodeURIComponent(route.deviceId)}/preview`;
    case 'announcement':
      return `/announcements/${encodeURIComponent(route.announcementId)}`;
    case 'alert':
      return `/alerts/${encodeURIComponent(route.alertId)}`;
    case 'alert-settings':
      return '/alerts/settings';
    case 'rollout':
      return `/rollouts/${encodeURIComponent(route.rolloutId)}`;
    case 'commissioning':
      return `/gates/${encodeURIComponent(route.gateId)}/commissioning`;
    default:
      return `/${route.page}`;
  }
}
