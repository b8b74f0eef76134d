import type { ApiClient } from './client.js';

export type InfoState = 'draft' | 'submitted' | 'approved' | 'rejected' | 'published';
export type InfoStep = 'submit' | 'approve' | 'reject' | 'publish' | 'unpublish';
export type InfoKind = 'category' | 'page';
export type Texts = Record<string, string>;

/** A node of the information tree as the fleet shows it (fleet/src/info/info-routes.ts). */
export interface InfoNodeView {
  id: string;
  gateId: string | null;
  parentId: string | null;
  kind: InfoKind;
  order: number;
  title: Texts;
  summary: Texts | null;
  blocks: Array<Record<string, unknown>>;
  sample: boolean;
  state: InfoState;
  revision: number;
  authorId: string;
  authorName: string | null;
  reviewerId: string | null;
  reviewerName: string | null;
  reviewComment: string | null;
  /** Gate languages some text lacks; screens fall back to en, then vi. */
  missing: string[];
  /** Published, and so is every category above it: on the screens now. */
  shown: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface InfoNodeBody {
  gateId?: string | null;
  parentId?: string | null;
  kind?: InfoKind;
  order?: number;
  title?: Texts;
  summary?: Texts | null;
  blocks?: Array<Record<string, unknown>>;
}

const nodePath = (id: string) => `/api/v1/info/nodes/${encodeURIComponent(id)}`;

export async function listInfoNodes(api: ApiClient): Promise<InfoNodeView[]> {
  return (await api.get<{ nodes: InfoNodeView[] }>('/api/v1/info/nodes')).nodes;
}

export async function createInfoNode(api: ApiClient, body: InfoNodeBody): Promise<InfoNodeView> {
  return (await api.send<{ node: InfoNodeView }>('POST', '/api/v1/info/nodes', body)).node;
}

export async function editInfoNode(api: ApiClient, id: string, body: InfoNodeBody): Promise<InfoNodeView> {
  return (await api.send<{ node: InfoNodeView }>('PATCH', nodePath(id), body)).node;
}

export async function stepInfoNode(
  api: ApiClient,
  id: string,
  step: InfoStep,
  comment?: string,
): Promise<InfoNodeView> {
  return (
    await api.send<{ node: InfoNodeView }>('POST', `${nodePath(id)}/${step}`, comment ? { comment } : {})
  ).node;
}

export async function removeInfoNode(api: ApiClient, id: string): Promise<void> {
  await api.send('DELETE', nodePath(id));
}

export async function seedSampleTree(api: ApiClient, gateId: string): Promise<number> {
  return (await api.send<{ nodes: unknown[] }>('POST', '/api/v1/info/seed-sample', { gateId })).nodes.length;
}
