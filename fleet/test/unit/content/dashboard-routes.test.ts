import { describe, expect, it } from 'vitest';
import { parseRoute, routePath } from '../../../web/src/model/routes.js';

describe('content pages in the dashboard', () => {
  it('reads /content, /approvals and a screen’s preview from real paths, and writes them back', () => {
    const cases = [
      ['/content', { page: 'content' }],
      ['/approvals', { page: 'approvals' }],
      ['/devices/cat-bi-belt-01/preview', { page: 'preview', deviceId: 'cat-bi-belt-01' }],
    ] as const;
    for (const [path, route] of cases) {
      expect(parseRoute(path)).toEqual(route);
      expect(routePath(route)).toBe(path);
    }
  });

  it('refuses a preview of a device id the fleet would refuse', () => {
    expect(parseRoute('/devices/A/preview')).toEqual({ page: 'not-found' });
    expect(parseRoute('/devices/%3Cimg%3E/preview')).toEqual({ page: 'not-found' });
  });
});
