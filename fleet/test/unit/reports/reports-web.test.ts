import { describe, expect, it } from 'vitest';
import { playsUrl, yearlyUrl, type PlaysFilters } from '../../../web/src/api/reports-api.js';
import { parseRoute, routePath } from '../../../web/src/model/routes.js';

const FILTERS: PlaysFilters = {
  gate: 'cat-bi-airport',
  zone: '',
  device: ' ',
  item: 'chào mừng',
  language: 'vi',
  from: '2026-11-01',
  to: '2026-11-30',
  by: ['item', 'language'],
};

describe('dashboard reports', () => {
  it('builds the plays and CSV links from the filters, leaving out what is empty', () => {
    expect(playsUrl(FILTERS)).toBe(
      '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&by=item%2Clanguage&gate=cat-bi-airport&item=ch%C3%A0o+m%E1%BB%ABng&language=vi',
    );
    expect(playsUrl({ ...FILTERS, gate: '', item: '', language: '', by: [] }, 'csv')).toBe(
      '/api/v1/reports/plays?from=2026-11-01&to=2026-11-30&by=&format=csv',
    );
    expect(yearlyUrl('hai-phong-port', 2026)).toBe('/api/v1/reports/yearly?gate=hai-phong-port&year=2026');
  });

  it('has its own page at /reports', () => {
    expect(parseRoute('/reports')).toEqual({ page: 'reports' });
    expect(parseRoute('/reports/')).toEqual({ page: 'reports' });
    expect(routePath({ page: 'reports' })).toBe('/reports');
  });
});
