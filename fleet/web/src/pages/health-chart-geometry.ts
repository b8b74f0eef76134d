// Pure geometry for the health charts: points → SVG path data. No DOM, so it is unit-tested.

export interface ChartFrame {
  fromMs: number;
  toMs: number;
  width: number;
  height: number;
  /** The value range drawn bottom to top. */
  yMin: number;
  yMax: number;
  /** A longer silence than this between two points breaks the line: no sample, no line. */
  gapMs: number;
}

export interface TimedValue {
  atMs: number;
  value: number | null;
}

/** One `d` attribute per unbroken run of values; a missing value or a long silence starts a new run. */
export function linePaths(values: readonly TimedValue[], frame: ChartFrame): string[] {
  const spanMs = Math.max(1, frame.toMs - frame.fromMs);
  const spanY = frame.yMax - frame.yMin || 1;
  const x = (atMs: number) => ((atMs - frame.fromMs) / spanMs) * frame.width;
  const y = (value: number) => frame.height - ((value - frame.yMin) / spanY) * frame.height;
  const paths: string[] = [];
  let run: string[] = [];
  let lastMs: number | null = null;
  const close = () => {
    // A lone point is drawn as a dot-length line so it stays visible.
    if (run.length === 1) run.push(`h0.01`);
    if (run.length > 0) paths.push(run.join(' '));
    run = [];
  };
  for (const { atMs, value } of values) {
    if (value === null || (lastMs !== null && atMs - lastMs > frame.gapMs)) close();
    if (value !== null) {
      run.push(`${run.length === 0 ? 'M' : 'L'}${round(x(atMs))},${round(y(value))}`);
      lastMs = atMs;
    }
  }
  close();
  return paths;
}

/** The range to draw: fixed for percentages, else the data's own with a little room. */
export function valueRange(
  values: ReadonlyArray<number | null>,
  fixed?: { min: number; max: number },
): { min: number; max: number } | null {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return fixed ?? null;
  if (fixed) return fixed;
  const min = Math.min(...present);
  const max = Math.max(...present);
  const pad = Math.max(1, (max - min) * 0.1);
  return { min: Math.floor(min - pad), max: Math.ceil(max + pad) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
