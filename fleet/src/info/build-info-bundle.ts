import type { InfoBlock, InfoBundle, InfoNode, InfoTreeRef } from '@gatecast/protocol';
import type { MediaCatalog } from '../library/media-catalog.js';
import { isLive } from '../approval/approval-workflow.js';
import { missingLanguages, type InfoBlockSpec, type InfoNodeRecord } from './info-specs.js';

export type InfoImage = InfoTreeRef['media'][number];

/** A bundle before it is numbered and stamped: what decides whether it changed. */
export interface InfoBundleDraft {
  gateId: string;
  languages: string[];
  nodes: InfoNode[];
  /** Every picture the nodes show, once each, in order of first use. */
  media: InfoImage[];
  /** What was left out and why (a picture no longer in the library), for the log. */
  warnings: string[];
}

/**
 * The tree one gate's screens show, from every node of that gate and the fleet-wide ones. Pure.
 * A node is shown when it is published and so is every ancestor: unpublishing a category takes
 * its pages off the screens without touching them. Order: depth first, siblings by `order`, then
 * id, so a renderer can list nodes as they come.
 */
export function buildInfoBundle(input: {
  gate: { id: string; languages: readonly string[] };
  nodes: readonly InfoNodeRecord[];
  media: MediaCatalog;
  /** The URL a screen fetches a library file at (the device media route). */
  mediaUrl: (sha256: string) => string;
}): InfoBundleDraft {
  const { gate } = input;
  const inScope = input.nodes.filter((node) => node.gateId === null || node.gateId === gate.id);
  const children = new Map<string | null, InfoNodeRecord[]>();
  for (const node of inScope) {
    if (!isLive(node)) continue;
    const siblings = children.get(node.parentId) ?? [];
    siblings.push(node);
    children.set(node.parentId, siblings);
  }
  const draft: InfoBundleDraft = {
    gateId: gate.id,
    languages: [...gate.languages],
    nodes: [],
    media: [],
    warnings: [],
  };
  const seenMedia = new Set<string>();
  const visited = new Set<string>();
  // Walking down from the roots through live nodes only is the ancestor rule: a live node under a
  // hidden parent is never reached.
  const visit = (parentId: string | null) => {
    const siblings = [...(children.get(parentId) ?? [])].sort(
      (a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    for (const node of siblings) {
      if (visited.has(node.id)) continue;
      visited.add(node.id);
      draft.nodes.push(toBundleNode(node, input, draft, seenMedia));
      visit(node.id);
    }
  };
  visit(null);
  return draft;
}

function toBundleNode(
  node: InfoNodeRecord,
  input: Parameters<typeof buildInfoBundle>[0],
  draft: InfoBundleDraft,
  seenMedia: Set<string>,
): InfoNode {
  const blocks: InfoBlock[] = [];
  for (const block of node.spec.blocks) {
    const built = toBundleBlock(block, input);
    if (!built) {
      draft.warnings.push(
        `${node.id}: picture ${(block as { sha256: string }).sha256} is not an image in the media library; left out`,
      );
      continue;
    }
    if (built.type === 'image' && !seenMedia.has(built.image.sha256)) {
      seenMedia.add(built.image.sha256);
      draft.media.push(built.image);
    }
    blocks.push(built);
  }
  return {
    id: node.id,
    parentId: node.parentId,
    kind: node.kind,
    order: node.order,
    title: node.spec.title,
    ...(node.spec.summary ? { summary: node.spec.summary } : {}),
    blocks,
    missing: missingLanguages(node.spec, input.gate.languages),
    sample: node.sample,
  };
}

function toBundleBlock(block: InfoBlockSpec, input: Parameters<typeof buildInfoBundle>[0]): InfoBlock | null {
  if (block.type !== 'image') return block;
  const media = input.media.get(block.sha256);
  if (!media || media.kind !== 'image') return null;
  return {
    type: 'image',
    image: { url: input.mediaUrl(media.sha256), sha256: media.sha256, sizeBytes: media.sizeBytes },
    ...(block.caption ? { caption: block.caption } : {}),
    map: block.map,
  };
}

/** The numbered, stamped bundle a screen downloads. */
export function stampBundle(draft: InfoBundleDraft, version: number, generatedAt: string): InfoBundle {
  return {
    gateId: draft.gateId,
    version,
    generatedAt,
    languages: draft.languages,
    nodes: draft.nodes,
  };
}
