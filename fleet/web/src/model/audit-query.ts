import { queryString } from '../api/client.js';
import { localInputToIso } from './format.js';

export interface AuditFilters {
  user: string;
  gate: string;
  objectType: string;
  objectId: string;
  action: string;
  outcome: '' | 'ok' | 'denied' | 'failed';
  /** `datetime-local` values in the browser's time zone. */
  since: string;
  until: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = {
  user: '',
  gate: '',
  objectType: '',
  objectId: '',
  action: '',
  outcome: '',
  since: '',
  until: '',
};

export const AUDIT_PAGE_SIZE = 50;

/** The `/api/v1/audit` URL for these filters and this page (`before` = the cursor of older entries). */
export function auditUrl(filters: AuditFilters, before: number | null, limit = AUDIT_PAGE_SIZE): string {
  return `/api/v1/audit${queryString({
    user: filters.user.trim(),
    gate: filters.gate,
    objectType: filters.objectType.trim(),
    objectId: filters.objectId.trim(),
    action: filters.action.trim(),
    outcome: filters.outcome,
    since: localInputToIso(filters.since),
    until: localInputToIso(filters.until),
    limit,
    before,
  })}`;
}
