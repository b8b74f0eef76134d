export interface CatalogueRow {
  id: string;
  group: string;
  test: string;
  pass: string;
}
export const CATALOGUE: CatalogueRow[];
export const GROUPS: Record<string, string>;
