import type { AnnouncementTargets } from '../../../src/announcements/announcement-model.js';
import type {
  AnnouncementView,
  ReceiptsViewAnswer as ReceiptsView,
  TemplateView,
} from '../../../src/announcements/announcements-schemas.js';
import type { ApiClient } from './client.js';

/** Urgent announcements, as the fleet shows them: the types come from its response schemas. */
export type {
  AnnouncementState,
  AnnouncementTargets,
} from '../../../src/announcements/announcement-model.js';
export type {
  AnnouncementView,
  ReceiptsViewAnswer as ReceiptsView,
  ScreenReceiptView as ScreenReceipt,
  TemplateView,
} from '../../../src/announcements/announcements-schemas.js';

export interface Timing {
  startAt?: string;
  durationSec?: number;
}

export async function listAnnouncements(api: ApiClient): Promise<AnnouncementView[]> {
  return (await api.get<{ announcements: AnnouncementView[] }>('/api/v1/announcements')).announcements;
}

export function getAnnouncement(
  api: ApiClient,
  id: string,
): Promise<AnnouncementView & { receipts: ReceiptsView }> {
  return api.get(`/api/v1/announcements/${encodeURIComponent(id)}`);
}

export async function listTemplates(api: ApiClient): Promise<TemplateView[]> {
  return (await api.get<{ templates: TemplateView[] }>('/api/v1/announcement-templates')).templates;
}

export function fireTemplate(
  api: ApiClient,
  template: string,
  targets: AnnouncementTargets,
  timing: Timing,
): Promise<AnnouncementView> {
  return api.send('POST', '/api/v1/announcements/fire', { template, targets, ...timing });
}

export function sendFreeText(
  api: ApiClient,
  body: Record<string, string>,
  targets: AnnouncementTargets,
  timing: Timing,
): Promise<AnnouncementView> {
  return api.send('POST', '/api/v1/announcements', { body, targets, ...timing });
}

export function reviewAnnouncement(
  api: ApiClient,
  id: string,
  decision: 'approve' | 'reject',
  comment: string,
): Promise<AnnouncementView> {
  return api.send('POST', `/api/v1/announcements/${encodeURIComponent(id)}/${decision}`, { comment });
}

export function cancelAnnouncement(api: ApiClient, id: string): Promise<AnnouncementView> {
  return api.send('POST', `/api/v1/announcements/${encodeURIComponent(id)}/cancel`);
}

/** The live receipts stream's URL (Server-Sent Events, event "receipts"); the session cookie signs it. */
export function receiptsStreamUrl(id: string): string {
  return `/api/v1/announcements/${encodeURIComponent(id)}/receipts/stream`;
}
