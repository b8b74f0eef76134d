import type { ApiClient } from './client.js';

/** What plays can be grouped by (fleet/src/reports/plays-report.ts). */
export const PLAY_DIMENSIONS = ['gate', 'zone', 'device', 'item', 'language'] as const;
export type PlayDimension = (typeof PLAY_DIMENSIONS)[number];

export interface PlaysRow {
  gate?: string;
  zone?: string;
  device?: string;
  item?: string;
  language?: string | null;
  plays: number;
  totalSeconds: number;
  averageSeconds: number;
  firstAt: string;
  lastAt: string;
}

export interface PlaysReport {
  from: string;
  to: string;
  by: PlayDimension[];
  rows: PlaysRow[];
  total: { plays: number; totalSeconds: number };
}

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
