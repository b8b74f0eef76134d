import { infoBundleSchema } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import type { ApprovalState } from '../../../src/approval/approval-workflow.js';
import { buildInfoBundle, stampBundle } from '../../../src/info/build-info-bundle.js';
import type { InfoBlockSpec, InfoNodeRecord } from '../../../src/info/info-specs.js';
import type { LibraryMedia, MediaCatalog } from '../../../src/library/media-catalog.js';

const GATE = { id: 'cat-bi-airport', languages: ['vi', 'en', 'ko'] };
const MAP = 'a'.repeat(64);
const VIDEO = 'b'.repeat(64);

function media(sha256: string, kind: LibraryMedia['kind']): LibraryMedia {
  return {
    sha256,
    name: `${kind}.bin`,
    kind,
    contentType: kind === 'image' ? 'image/png' : 'video/mp4',
    sizeBytes: 4096,
    probe: null,
    warnings: [],
    uploadedBy: 'admin',
    uploadedAt: '2026-11-26T00:00:00.000Z',
  };
}

const CATALOG: MediaCatalog = {
  get: (sha256) => ({ [MAP]: media(MAP, 'image'), [VIDEO]: media(VIDEO, 'video') })[sha256],
};

function node(
  id: string,
  options: {
    parentId?: string | null;
    state?: ApprovalState;
    order?: number;
    gateId?: string | null;
    kind?: 'category' | 'page';
    blocks?: InfoBlockSpec[];
    title?: Record<string, string>;
  } = {},
): InfoNodeRecord {
  return {
    id,
    gateId: options.gateId === undefined ? GATE.id : options.gateId,
    parentId: options.parentId ?? null,
    kind: options.kind ?? 'page',
    order: options.order ?? 10,
    spec: {
      title: options.title ?? { vi: `${id} vi`, en: `${id} en`, ko: `${id} ko` },
      blocks: options.blocks ?? [],
    },
    sample: false,
    state: options.state ?? 'published',
    revision: 1,
    authorId: 'u-1',
    reviewerId: 'u-2',
    reviewComment: 'ok',
    createdAt: '2026-11-26T00:00:00.000Z',
    updatedAt: '2026-11-26T00:00:00.000Z',
  };
}

const build = (nodes: InfoNodeRecord[]) =>
  buildInfoBundle({ gate: GATE, nodes, media: CATALOG, mediaUrl: (sha) => `http://fleet/m/${sha}` });

describe('buildInfoBundle', () => {
  it('shows a node only when it and every ancestor are published', () => {
    const draft = build([
      node('arrival', { kind: 'category' }),
      node('visa', { parentId: 'arrival' }),
      node('hidden', { kind: 'category', state: 'approved' }),
      node('under-hidden', { parentId: 'hidden' }),
      node('deep', { parentId: 'under-hidden' }),
      node('unpublished-page', { parentId: 'arrival', state: 'draft' }),
      node('orphan', { parentId: 'gone' }),
    ]);
    expect(draft.nodes.map((n) => n.id)).toEqual(['arrival', 'visa']);
  });

  it('orders depth first, siblings by order then id, with fleet-wide nodes and no other gate', () => {
    const draft = build([
      node('transport', { kind: 'category', order: 20 }),
      node('emergency', { order: 5, gateId: null }),
      node('port', { parentId: 'transport', order: 20 }),
      node('airport', { parentId: 'transport', order: 20 }),
      node('bus', { parentId: 'transport', order: 1 }),
      node('arrival', { kind: 'category', order: 10 }),
      node('visa', { parentId: 'arrival' }),
      node('port-only', { gateId: 'hai-phong-port', order: 1 }),
    ]);
    expect(draft.nodes.map((n) => n.id)).toEqual([
      'emergency',
      'arrival',
      'visa',
      'transport',
      'bus',
      'airport',
      'port',
    ]);
  });

  it('flags the gate languages a node lacks; language-neutral texts flag nothing', () => {
    const draft = build([
      node('full'),
      node('no-ko', { title: { vi: 'Xin chào', en: 'Hello' } }),
      node('table', {
        blocks: [
          {
            type: 'table',
            rows: [[{ vi: 'Công an', en: 'Police', ko: '경찰' }, { und: '113' }]],
          },
          { type: 'text', text: { en: 'English only' } },
        ],
      }),
    ]);
    expect(draft.nodes.map((n) => [n.id, n.missing])).toEqual([
      ['full', []],
      ['no-ko', ['ko']],
      ['table', ['vi', 'ko']],
    ]);
  });

  it('turns library pictures into URLs screens fetch, listed once, and leaves out what is no picture', () => {
    const picture = { type: 'image' as const, sha256: MAP, map: true };
    const draft = build([
      node('map', { blocks: [picture, { type: 'image', sha256: VIDEO, map: false }] }),
      node('again', { order: 20, blocks: [picture, { type: 'image', sha256: 'c'.repeat(64), map: false }] }),
    ]);
    const image = { url: `http://fleet/m/${MAP}`, sha256: MAP, sizeBytes: 4096 };
    expect(draft.media).toEqual([image]);
    expect(draft.nodes[0]?.blocks).toEqual([{ type: 'image', image, map: true }]);
    expect(draft.nodes[1]?.blocks).toEqual([{ type: 'image', image, map: true }]);
    expect(draft.warnings).toHaveLength(2);
    expect(draft.warnings[0]).toContain(VIDEO);
  });

  it('stamps a bundle the protocol accepts', () => {
    const draft = build([node('arrival', { kind: 'category' }), node('visa', { parentId: 'arrival' })]);
    const bundle = stampBundle(draft, 3, '2026-11-26T01:00:00.000Z');
    expect(infoBundleSchema.parse(bundle)).toEqual(bundle);
    expect(bundle).toMatchObject({ gateId: GATE.id, version: 3, languages: GATE.languages });
  });
});
