import { describe, expect, it } from 'vitest';
import { parseRoute, routePath } from '../../../web/src/model/routes.js';

describe('the commissioning page address', () => {
  it('parses /gates/:gateId/commissioning and builds it back', () => {
    const route = parseRoute('/gates/cat-bi-airport/commissioning');
    expect(route).toEqual({ page: 'commissioning', gateId: 'cat-bi-airport' });
    expect(routePath(route)).toBe('/gates/cat-bi-airport/commissioning');
    expect(parseRoute('/gates/Bad_Gate/commissioning')).toEqual({ page: 'not-found' });
  });
});
