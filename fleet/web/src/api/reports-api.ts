import type { PlayDimension, PlaysReport } from '../../../src/reports/plays-view.js';
import type { ApiClient } from './client.js';

/** What plays can be grouped by, and the report's shape: the fleet's own definitions. */
export { PLAY_DIMENSIONS } from '../../../src/reports/plays-view.js';
export type { PlayDimension, PlaysReport, PlaysRow } from '../../../src/reports/plays-view.js';

/** The filters as the form holds them: empty strings are "any". Dates are YYYY-MM-DD, days at the gate. */
export interface PlaysFilters {
  gate: string;
  zone: string;
  device: string;
  item: string;
  language: string;
  from: string;
  to: string;
  by: PlayDimension[];
}

/** The plays API URL for these filters; `csv` gives the download link (UTF-8 with BOM). */
export function playsUrl(filters: PlaysFilters, format: 'json' | 'csv' = 'json'): string {
  const query = new URLSearchParams({ from: filters.from, to: filters.to, by: filters.by.join(',') });
  for (const key of ['gate', 'zone', 'device', 'item', 'language'] as const) {
    const value = filters[key].trim();
    if (value !== '') query.set(key, value);
  }
  if (format === 'csv') query.set('format', 'csv');
  return `/api/v1/reports/plays?${query}`;
}

/** The printable yearly report of a gate; opened as a page of its own. */
export function yearlyUrl(gateId: string, year: number): string {
  return `/api/v1/reports/yearly?${new URLSearchParams({ gate: gateId, year: String(year) })}`;
}

export function fetchPlays(api: ApiClient, filters: PlaysFilters): Promise<PlaysReport> {
  return api.get<PlaysReport>(playsUrl(filters));
}
