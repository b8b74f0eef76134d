import { describe, expect, it } from 'vitest';
import type { InfoNodeView } from '../../../web/src/api/info-api.js';
import { titleIn, treeOrder } from '../../../web/src/pages/info-order.js';

function node(
  id: string,
  parentId: string | null,
  order: number,
  title: Record<string, string> = {},
): InfoNodeView {
  return {
    id,
    gateId: 'cat-bi-airport',
    parentId,
    kind: parentId === null ? 'category' : 'page',
    order,
    title: { en: id, ...title },
    summary: null,
    blocks: [],
    sample: false,
    state: 'draft',
    revision: 1,
    authorId: 'u-1',
    authorName: 'lan.editor',
    reviewerId: null,
    reviewerName: null,
    reviewComment: null,
    missing: [],
    shown: false,
    createdAt: '2026-11-26T00:00:00.000Z',
    updatedAt: '2026-11-26T00:00:00.000Z',
  };
}

describe('the dashboard tree', () => {
  it('lists parents before children, siblings by position, and orphans at the top', () => {
    const ordered = treeOrder([
      node('transport', null, 20),
      node('port', 'transport', 20),
      node('airport', 'transport', 10),
      node('arrival', null, 10),
      node('stray', 'deleted-category', 5),
    ]);
    expect(ordered.map(({ node: n, depth }) => `${depth}:${n.id}`)).toEqual([
      '0:stray',
      '0:arrival',
      '0:transport',
      '1:airport',
      '1:port',
    ]);
  });

  it("titles a node in the dashboard's language, else English, else Vietnamese", () => {
    const both = node('x', null, 1, { vi: 'Thủ tục', en: 'Procedures' });
    expect(titleIn(both, 'vi')).toBe('Thủ tục');
    expect(titleIn({ id: 'y', title: { vi: 'Hải quan' } }, 'en')).toBe('Hải quan');
  });
});
