import type { EventBody } from '../lib/device-event.js';

/** A term longer than this is cut: the report lists words, not paragraphs. */
export const MAX_TERM_LENGTH = 80;
const MAX_VIEWS = 2000;
const MAX_SEARCHES = 500;

/**
 * Pure: a failed search term as it is counted: trimmed, lower case, Vietnamese diacritics and
 * spacing folded, at most 80 characters; null when nothing is left.
 */
export function normaliseTerm(term: string): string | null {
  const folded = term
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
  const cut = [...folded].slice(0, MAX_TERM_LENGTH).join('').trim();
  return cut === '' ? null : cut;
}

/**
 * Anonymous use of a lookup kiosk: counts only, by node and language and by failed term and
 * language. Nothing ties two counts together, so there is no session to re-identify.
 */
export class KioskUsage {
  private views = new Map<string, number>();
  private failed = new Map<string, number>();
  private since: Date;

  constructor(now: Date) {
    this.since = now;
  }

  view(nodeId: string, language: string): void {
    const key = JSON.stringify([nodeId, language]);
    if (!this.views.has(key) && this.views.size >= MAX_VIEWS) return;
    this.views.set(key, (this.views.get(key) ?? 0) + 1);
  }

  failedSearch(term: string, language: string): void {
    const normalised = normaliseTerm(term);
    if (normalised === null) return;
    const key = JSON.stringify([normalised, language]);
    if (!this.failed.has(key) && this.failed.size >= MAX_SEARCHES) return;
    this.failed.set(key, (this.failed.get(key) ?? 0) + 1);
  }

  /** The period's counts as a `kiosk-usage` event, or null when nothing was counted; starts a new period. */
  flush(now: Date): EventBody | null {
    const periodStart = this.since;
    this.since = now;
    if (this.views.size === 0 && this.failed.size === 0) return null;
    const views = [...this.views].map(([key, count]) => {
      const [nodeId, language] = JSON.parse(key) as [string, string];
      return { nodeId, language, count };
    });
    const failedSearches = [...this.failed].map(([key, count]) => {
      const [term, language] = JSON.parse(key) as [string, string];
      return { term, language, count };
    });
    this.views = new Map();
    this.failed = new Map();
    return {
      kind: 'kiosk-usage',
      periodStart: periodStart.toISOString(),
      periodEnd: now.toISOString(),
      views,
      failedSearches,
    };
  }
}
