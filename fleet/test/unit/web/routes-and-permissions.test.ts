import { describe, expect, it } from 'vitest';
import type { Me } from '../../../web/src/api/types.js';
import { allows, allowsSomewhere } from '../../../web/src/model/permissions.js';
import { parseRoute, routePath, type Route } from '../../../web/src/model/routes.js';

describe('routes', () => {
  it('reads the pages from real paths', () => {
    expect(parseRoute('/')).toEqual({ page: 'overview' });
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('/devices/cat-bi-belt-01')).toEqual({ page: 'device', deviceId: 'cat-bi-belt-01' });
    expect(parseRoute('/devices/cat-bi-belt-01/')).toEqual({ page: 'device', deviceId: 'cat-bi-belt-01' });
    expect(parseRoute('/users')).toEqual({ page: 'users' });
    expect(parseRoute('/audit')).toEqual({ page: 'audit' });
    expect(parseRoute('/account')).toEqual({ page: 'account' });
  });

  it('treats anything else, and device ids the fleet would refuse, as not found', () => {
    for (const path of [
      '/devices',
      '/devices/A',
      '/devices/%3Cimg%3E',
      '/devices/x/y',
      '/admin',
      '/devices/ab',
    ]) {
      expect({ path, route: parseRoute(path) }).toEqual({ path, route: { page: 'not-found' } });
    }
  });

  it('writes back the path it reads', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'device', deviceId: 'port-terminal-01' },
      { page: 'users' },
      { page: 'audit' },
      { page: 'account' },
    ];
    for (const route of routes) expect(parseRoute(routePath(route))).toEqual(route);
  });
});

const permissions = (overrides: Partial<Me['permissions']>): Pick<Me, 'permissions'> => ({
  permissions: {
    'gates.read': [],
    'gates.write': [],
    'devices.read': [],
    'devices.enrol': [],
    'devices.remove': [],
    'devices.command': [],
    'users.manage': [],
    'audit.read': [],
    'content.read': [],
    'content.write': [],
    'content.approve': [],
    'content.publish': [],
    'announcements.read': [],
    'announcements.fire': [],
    'announcements.approve': [],
    'announcements.templates': [],
    'reports.read': [],
    'alerts.read': [],
    'alerts.ack': [],
    'alerts.manage': [],
    'releases.read': [],
    'releases.publish': [],
    'rollouts.read': [],
    'rollouts.manage': [],
    ...overrides,
  },
});

describe('allows', () => {
  it('follows the scope the fleet reports, per gate', () => {
    const operator = permissions({ 'devices.command': ['cat-bi-airport'], 'audit.read': ['cat-bi-airport'] });
    expect(allows(operator, 'devices.command', 'cat-bi-airport')).toBe(true);
    expect(allows(operator, 'devices.command', 'hai-phong-port')).toBe(false);
    expect(allows(operator, 'devices.remove', 'cat-bi-airport')).toBe(false);
    expect(allowsSomewhere(operator, 'audit.read')).toBe(true);
    expect(allowsSomewhere(operator, 'users.manage')).toBe(false);
  });

  it('needs all gates for a fleet-wide action', () => {
    expect(allows(permissions({ 'users.manage': ['cat-bi-airport'] }), 'users.manage', null)).toBe(false);
    expect(allows(permissions({ 'users.manage': 'all' }), 'users.manage', null)).toBe(true);
    expect(allows(permissions({ 'devices.read': 'all' }), 'devices.read', 'any-gate')).toBe(true);
  });
});
