import type { ApiClient } from './client.js';

/** Urgent announcements, as the fleet shows them (fleet/src/announcements/announcements-schemas.ts). */
export type AnnouncementState =
  'awaiting-approval' | 'rejected' | 'scheduled' | 'live' | 'expired' | 'cancelled';

export interface AnnouncementTargets {
  all?: boolean;
  gates?: string[];
  zones?: Array<{ gateId: string; zoneId: string }>;
}

export interface AnnouncementView {
  id: string;
  entryId: string;
  state: AnnouncementState;
  templateId: string | null;
  title: Record<string, string>;
  body: Record<string, string>;
  targets: AnnouncementTargets;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  approvedByName: string | null;
  reviewComment: string | null;
  startsAt: string | null;
  expiresAt: string | null;
  firedAt: string | null;
  cancelledAt: string | null;
  capIdentifier: string | null;
  targeted: number;
  shown: number;
}

export interface ScreenReceipt {
  deviceId: string;
  deviceName: string;
  gateId: string;
  zoneId: string;
  shown: boolean;
  shownAt: string | null;
  screenshotSha256: string | null;
  language: string | null;
  receivedAt: string | null;
  secondsFromFire: number | null;
}

export interface ReceiptsView {
  announcementId: string;
  state: AnnouncementState;
  firedAt: string | null;
  startsAt: string | null;
  expiresAt: string | null;
  targeted: number;
  shown: number;
  screens: ScreenReceipt[];
}

export interface TemplateView {
  id: string;
  name: string;
  gateId: string | null;
  title: Record<string, string>;
  body: Record<string, string>;
  autoFire: boolean;
  state: 'draft' | 'submitted' | 'approved' | 'rejected' | 'published';
  revision: number;
}

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
