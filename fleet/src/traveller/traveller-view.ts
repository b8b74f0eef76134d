import type { InfoBlock, InfoBundle, InfoNode } from '@gatecast/protocol';

/** Where a missing translation falls back to, in order (issue 6: English, then Vietnamese). */
export const FALLBACK_LANGUAGES = ['en', 'vi'] as const;

export interface Picked {
  text: string;
  /** The language the text is in: the one asked for, or a fallback. */
  language: string;
}

/** The same in every language (a phone number, a flight code): never a missing translation. */
export const NEUTRAL = 'und';

/**
 * A multilingual text in `language`, else its language-neutral text, else English, else
 * Vietnamese, else whatever it has.
 */
export function pick(texts: Record<string, string> | undefined, language: string): Picked | undefined {
  if (!texts) return undefined;
  for (const wanted of [language, NEUTRAL, ...FALLBACK_LANGUAGES]) {
    const text = texts[wanted];
    if (text !== undefined && text.trim() !== '')
      return { text, language: wanted === NEUTRAL ? language : wanted };
  }
  const first = Object.entries(texts).find(([, text]) => text.trim() !== '');
  return first ? { text: first[1], language: first[0] } : undefined;
}

/** The language asked for when the gate has it, else the gate's first language. */
export function chooseLanguage(bundle: Pick<InfoBundle, 'languages'>, asked: string | undefined): string {
  if (asked !== undefined) {
    const match = bundle.languages.find((language) => language.toLowerCase() === asked.toLowerCase());
    if (match) return match;
  }
  return bundle.languages[0] ?? 'en';
}

export function byOrder(a: InfoNode, b: InfoNode): number {
  return a.order - b.order || a.id.localeCompare(b.id);
}

export function childrenOf(bundle: InfoBundle, parentId: string | null): InfoNode[] {
  return bundle.nodes.filter((node) => node.parentId === parentId).sort(byOrder);
}

/** The node's ancestors, top first (cycles in a broken bundle stop the walk). */
export function trail(bundle: InfoBundle, node: InfoNode): InfoNode[] {
  const byId = new Map(bundle.nodes.map((entry) => [entry.id, entry]));
  const path: InfoNode[] = [];
  const seen = new Set([node.id]);
  let parent = node.parentId === null ? undefined : byId.get(node.parentId);
  while (parent && !seen.has(parent.id)) {
    path.unshift(parent);
    seen.add(parent.id);
    parent = parent.parentId === null ? undefined : byId.get(parent.parentId);
  }
  return path;
}

/**
 * Folds text for matching: lower case, Vietnamese đ, and combining marks dropped, so "thu tuc"
 * finds "thủ tục". Both sides are folded alike, so scripts whose vowels are marks (Lao, Khmer,
 * Thai) still match their own words.
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase().normalize('NFC');
}

function blockTexts(block: InfoBlock): Array<Record<string, string> | undefined> {
  switch (block.type) {
    case 'heading':
    case 'text':
      return [block.text];
    case 'image':
      return [block.caption];
    case 'table':
      return block.rows.flat();
    case 'qr':
      return [block.label];
  }
}

/** Nodes whose text in any language contains the query; titles first, then tree order. */
export function search(bundle: InfoBundle, query: string): InfoNode[] {
  const wanted = fold(query.trim());
  if (wanted === '') return [];
  const hits: Array<{ node: InfoNode; rank: number }> = [];
  for (const node of bundle.nodes) {
    const inTitle = Object.values(node.title).some((text) => fold(text).includes(wanted));
    const texts = [node.summary, ...node.blocks.flatMap(blockTexts)];
    const inBody = texts.some((entry) =>
      Object.values(entry ?? {}).some((text) => fold(text).includes(wanted)),
    );
    if (inTitle || inBody) hits.push({ node, rank: inTitle ? 0 : 1 });
  }
  return hits.sort((a, b) => a.rank - b.rank || byOrder(a.node, b.node)).map((hit) => hit.node);
}

/** Every picture the bundle shows: the only files the public image route serves for a gate. */
export function bundleImages(bundle: InfoBundle): Map<string, string> {
  const images = new Map<string, string>();
  for (const node of bundle.nodes) {
    for (const block of node.blocks) {
      if (block.type === 'image') images.set(block.image.sha256, block.image.url);
    }
  }
  return images;
}
