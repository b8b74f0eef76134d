// The plays report as the API answers it. Pure and without imports: the dashboard and the CLI
// read these types (and the dashboard the dimensions) from here rather than keeping copies.

/** What plays can be grouped by. `zone` is the screen's zone at its gate (hall, terminal), not the layout zone. */
export const PLAY_DIMENSIONS = ['gate', 'zone', 'device', 'item', 'language'] as const;
export type PlayDimension = (typeof PLAY_DIMENSIONS)[number];

export interface PlaysRow {
  gate?: string;
  zone?: string;
  device?: string;
  item?: string;
  /** null: played without a language. */
  language?: string | null;
  plays: number;
  totalSeconds: number;
  averageSeconds: number;
  firstAt: string;
  lastAt: string;
}

export interface PlaysReport {
  from: string;
  to: string;
  by: PlayDimension[];
  rows: PlaysRow[];
  total: { plays: number; totalSeconds: number };
}
