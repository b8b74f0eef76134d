import type { InfoNodeView } from '../api/info-api.js';

/** The title an editor reads: the dashboard's language, else English, else Vietnamese. */
export function titleIn(node: Pick<InfoNodeView, 'title' | 'id'>, language: string): string {
  return node.title[language] ?? node.title.en ?? node.title.vi ?? Object.values(node.title)[0] ?? node.id;
}

/** Parents first, then their children, siblings by position: how a kiosk lists them. */
export function treeOrder(nodes: readonly InfoNodeView[]): Array<{ node: InfoNodeView; depth: number }> {
  const ids = new Set(nodes.map((node) => node.id));
  const children = new Map<string | null, InfoNodeView[]>();
  for (const node of nodes) {
    const parent = node.parentId !== null && ids.has(node.parentId) ? node.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  const ordered: Array<{ node: InfoNodeView; depth: number }> = [];
  const visit = (parent: string | null, depth: number) => {
    const siblings = [...(children.get(parent) ?? [])].sort(
      (a, b) => a.order - b.order || a.id.localeCompare(b.id),
    );
    for (const node of siblings) {
      ordered.push({ node, depth });
      visit(node.id, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}
