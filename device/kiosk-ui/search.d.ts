import type { InfoBundle, InfoNode } from '@gatecast/protocol';

export interface SearchIndexEntry {
  node: InfoNode;
  entries: Array<{ language: string; title: string; body: string }>;
}
export interface SearchResult {
  nodeId: string;
  kind: 'category' | 'page';
  language: string;
  score: number;
}
export function fold(text: string): string;
export function nodeTexts(node: InfoNode, language: string): string[];
export function buildIndex(bundle: Pick<InfoBundle, 'nodes'>): SearchIndexEntry[];
export function search(index: SearchIndexEntry[], query: string, limit?: number): SearchResult[];
