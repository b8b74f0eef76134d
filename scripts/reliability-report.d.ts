import type { CatalogueRow } from './reliability-catalogue.js';

export interface RecordedFigure {
  id: string;
  figure: string;
  pass: string;
  passed: boolean;
  size?: string;
  seed?: number;
  mode: string;
  at: string;
}
export interface ReliabilityRow extends CatalogueRow {
  recorded: boolean;
  passed: boolean;
  figure: string;
  seeds: number[];
  mode: string;
}
export function parseFigures(text: string): RecordedFigure[];
export function reliabilityRows(catalogue: CatalogueRow[], figures: RecordedFigure[]): ReliabilityRow[];
export function resultOf(row: ReliabilityRow): 'not run' | 'pass' | 'FAIL';
export function reliabilityTable(rows: ReliabilityRow[]): string;
export function replaceBetweenMarkers(document: string, start: string, end: string, content: string): string;
