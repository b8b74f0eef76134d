import type { DeviceEvent } from '@gatecast/protocol';
import { sql } from 'kysely';
import { isIn } from '../store/sql-dialect.js';
import type { Sql } from '../store/sql.js';

type KioskUsageEvent = Extract<DeviceEvent, { kind: 'kiosk-usage' }>;

/** Page views of one kiosk in one language over the period. */
export interface KioskViewsRow {
  gateId: string;
  deviceId: string;
  /** null once the kiosk was removed from the fleet. */
  deviceName: string | null;
  language: string;
  views: number;
}

export interface FailedSearchRow {
  term: string;
  language: string;
  count: number;
}

export interface KioskUsageReport {
  from: string;
  to: string;
  views: {
    rows: KioskViewsRow[];
    byLanguage: Array<{ language: string; views: number }>;
    byGate: Array<{ gateId: string; views: number }>;
    byPage: Array<{ nodeId: string; views: number }>;
    total: number;
  };
  /** The most frequent searches that found nothing, at least `minCount` times each. */
  failedSearches: FailedSearchRow[];
}

export interface KioskUsageFilter {
  /** 'all', or the gates to include (the caller's scope). */
  gates: 'all' | readonly string[];
  from: Date;
  to: Date;
  /** How many failed search terms to list; default 20. */
  top?: number;
  /**
   * A term typed fewer times than this is left out: a lone search may be a name or a passport
   * number, and the report holds no personal data. Default 2.
   */
  minCount?: number;
}

interface Row {
  device_id: string;
  gate_id: string;
  name: string | null;
  body: string;
}

export const DEFAULT_TOP = 20;
export const DEFAULT_MIN_COUNT = 2;

/**
 * Anonymous kiosk use from the `kiosk-usage` events kiosks send (hourly counts, no sessions): page
 * views by gate, kiosk, language and page, and the searches that found nothing. An event belongs
 * to the period its time (the end of its counting window) falls in.
 */
export async function queryKioskUsage(store: Sql, filter: KioskUsageFilter): Promise<KioskUsageReport> {
  const rows = await store.all<Row>(
    sql`SELECT e.device_id, e.gate_id, d.name, e.body FROM device_events e
        LEFT JOIN devices d ON d.id = e.device_id
        WHERE e.kind = 'kiosk-usage' AND e.at >= ${filter.from.toISOString()} AND e.at < ${filter.to.toISOString()}
          AND ${filter.gates === 'all' ? sql`TRUE` : isIn('e.gate_id', filter.gates)}
        ORDER BY e.at, e.device_id`,
  );
  const views = new Map<string, KioskViewsRow>();
  const byLanguage = new Counter();
  const byGate = new Counter();
  const byPage = new Counter();
  const failed = new Map<string, FailedSearchRow>();
  for (const row of rows) {
    const event = parse(row.body);
    if (!event) continue;
    for (const view of event.views) {
      const key = JSON.stringify([row.gate_id, row.device_id, view.language]);
      const entry = views.get(key) ?? {
        gateId: row.gate_id,
        deviceId: row.device_id,
        deviceName: row.name,
        language: view.language,
        views: 0,
      };
      entry.views += view.count;
      views.set(key, entry);
      byLanguage.add(view.language, view.count);
      byGate.add(row.gate_id, view.count);
      byPage.add(view.nodeId, view.count);
    }
    for (const search of event.failedSearches) {
      const term = search.term.trim().toLowerCase();
      if (term === '') continue;
      const key = JSON.stringify([term, search.language]);
      const entry = failed.get(key) ?? { term, language: search.language, count: 0 };
      entry.count += search.count;
      failed.set(key, entry);
    }
  }
  const minCount = filter.minCount ?? DEFAULT_MIN_COUNT;
  const viewRows = [...views.values()].sort(
    (a, b) => a.gateId.localeCompare(b.gateId) || a.deviceId.localeCompare(b.deviceId) || b.views - a.views,
  );
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    views: {
      rows: viewRows,
      byLanguage: byLanguage.top().map(([language, count]) => ({ language, views: count })),
      byGate: byGate.top().map(([gateId, count]) => ({ gateId, views: count })),
      byPage: byPage.top().map(([nodeId, count]) => ({ nodeId, views: count })),
      total: viewRows.reduce((sum, row) => sum + row.views, 0),
    },
    failedSearches: [...failed.values()]
      .filter((entry) => entry.count >= minCount)
      .sort((a, b) => b.count - a.count || a.term.localeCompare(b.term))
      .slice(0, filter.top ?? DEFAULT_TOP),
  };
}

class Counter {
  private readonly counts = new Map<string, number>();
  add(key: string, count: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }
  /** Largest first; ties by key, so a report reads the same twice. */
  top(): Array<[string, number]> {
    return [...this.counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}

/** The stored body; a row that is not a kiosk-usage event (never expected) is skipped. */
function parse(body: string): KioskUsageEvent | null {
  try {
    const event = JSON.parse(body) as DeviceEvent;
    return event.kind === 'kiosk-usage' && Array.isArray(event.views) ? event : null;
  } catch {
    return null;
  }
}

/** The CSV table: one line per kiosk and language, then the failed searches. */
export function kioskUsageCsvTable(report: KioskUsageReport): { headers: string[]; rows: string[][] } {
  const headers = ['section', 'gate', 'kiosk', 'kiosk name', 'language', 'term', 'count'];
  const rows = [
    ...report.views.rows.map((row) => [
      'views',
      row.gateId,
      row.deviceId,
      row.deviceName ?? '',
      row.language,
      '',
      String(row.views),
    ]),
    ...report.failedSearches.map((row) => [
      'failed search',
      '',
      '',
      '',
      row.language,
      row.term,
      String(row.count),
    ]),
  ];
  return { headers, rows };
}
