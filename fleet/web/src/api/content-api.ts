import type { LibraryMediaView } from '../../../src/library/media-catalog.js';
import type { DevicePreview as Preview } from '../../../src/desired/preview-timeline.js';
import type { ApiClient } from './client.js';

export type WorkType = 'item' | 'playlist' | 'schedule';
export type WorkState = 'draft' | 'submitted' | 'approved' | 'rejected' | 'published';
export type WorkStep = 'submit' | 'approve' | 'reject' | 'publish' | 'unpublish';

/** An item, playlist or schedule as the fleet shows it (fleet/src/content/content-routes.ts). */
export interface WorkView {
  id: string;
  type: WorkType;
  gateId: string | null;
  name: string;
  spec: Record<string, unknown>;
  state: WorkState;
  revision: number;
  authorId: string;
  authorName: string | null;
  reviewerId: string | null;
  reviewerName: string | null;
  reviewComment: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApprovalQueue {
  toReview: WorkView[];
  toPublish: WorkView[];
}

/** What a screen shows over a period: the fleet's own types (fleet/src/desired/preview-timeline.ts). */
export type { DevicePreview as Preview, PreviewSegment } from '../../../src/desired/preview-timeline.js';

/** A file of the media library (the content editors use its name, kind, size, thumbnail and warnings). */
export type { LibraryMediaView } from '../../../src/library/media-catalog.js';

const PLURAL: Record<WorkType, string> = { item: 'items', playlist: 'playlists', schedule: 'schedules' };

export async function listWork(api: ApiClient, type: WorkType): Promise<WorkView[]> {
  const answer = await api.get<Record<string, WorkView[]>>(`/api/v1/content/${PLURAL[type]}`);
  return answer[PLURAL[type]] ?? [];
}

export async function createWork(
  api: ApiClient,
  type: WorkType,
  body: { gateId: string | null; name: string; spec: Record<string, unknown> },
): Promise<WorkView> {
  return (await api.send<{ work: WorkView }>('POST', `/api/v1/content/${PLURAL[type]}`, body)).work;
}

export async function editWork(
  api: ApiClient,
  id: string,
  body: { name?: string; spec?: Record<string, unknown> },
): Promise<WorkView> {
  return (await api.send<{ work: WorkView }>('PATCH', `/api/v1/content/${encodeURIComponent(id)}`, body))
    .work;
}

export async function stepWork(
  api: ApiClient,
  id: string,
  step: WorkStep,
  comment?: string,
): Promise<WorkView> {
  const path = `/api/v1/content/${encodeURIComponent(id)}/${step}`;
  return (await api.send<{ work: WorkView }>('POST', path, comment ? { comment } : {})).work;
}

export async function removeWork(api: ApiClient, id: string): Promise<void> {
  await api.send('DELETE', `/api/v1/content/${encodeURIComponent(id)}`);
}

export function approvalQueue(api: ApiClient): Promise<ApprovalQueue> {
  return api.get<ApprovalQueue>('/api/v1/approvals');
}

export function previewOf(api: ApiClient, deviceId: string, at: Date, hours: number): Promise<Preview> {
  const query = new URLSearchParams({ at: at.toISOString(), hours: String(hours) });
  return api.get<Preview>(`/api/v1/devices/${encodeURIComponent(deviceId)}/preview?${query}`);
}

/** The library's files to pick media items from; empty when the library is not there. */
export async function listLibraryMedia(api: ApiClient): Promise<LibraryMediaView[]> {
  return (await api.get<{ media: LibraryMediaView[] }>('/api/v1/library/media')).media;
}
