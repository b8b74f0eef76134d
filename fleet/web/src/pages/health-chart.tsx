import type { HealthPoint } from '../api/health-api.js';
import { linePaths, valueRange, type ChartFrame } from './health-chart-geometry.js';

const WIDTH = 600;
const HEIGHT = 120;

export interface HealthSeries {
  key: 'cpuLoad' | 'temperatureC' | 'memoryPercent' | 'diskPercent';
  title: string;
  unit: string;
  /** Percentages are drawn 0–100 whatever the data, so two screens compare at a glance. */
  fixed?: { min: number; max: number };
}

/** One reading over the chosen range: a line with its latest value and the scale at the side. */
export function HealthChart(props: {
  series: HealthSeries;
  points: HealthPoint[];
  frame: Pick<ChartFrame, 'fromMs' | 'toMs' | 'gapMs'>;
  format: (value: number) => string;
  emptyText: string;
}) {
  const { series, points, frame, format } = props;
  const values = points.map((point) => ({ atMs: Date.parse(point.at), value: point[series.key] }));
  const present = values.filter((value) => value.value !== null);
  const range = valueRange(
    values.map((value) => value.value),
    series.fixed,
  );
  const latest = present.at(-1)?.value ?? null;
  const paths = range
    ? linePaths(values, { ...frame, width: WIDTH, height: HEIGHT, yMin: range.min, yMax: range.max })
    : [];
  const shown = (value: number | null) => (value === null ? '–' : `${format(value)} ${series.unit}`);
  return (
    <figure className="health-chart" data-series={series.key} data-points={present.length}>
      <figcaption>
        <span className="health-chart-title">{series.title}</span>
        <span className="health-chart-latest">{shown(latest)}</span>
      </figcaption>
      {present.length === 0 || !range ? (
        <p className="muted health-chart-empty">{props.emptyText}</p>
      ) : (
        <div className="health-chart-plot">
          <svg
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            preserveAspectRatio="none"
            role="img"
            aria-label={`${series.title}: ${shown(latest)}`}
          >
            <line className="health-chart-grid" x1="0" x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} />
            {paths.map((d, index) => (
              <path key={index} d={d} className="health-chart-line" vectorEffect="non-scaling-stroke" />
            ))}
          </svg>
          <span className="health-chart-scale health-chart-max">{format(range.max)}</span>
          <span className="health-chart-scale health-chart-min">{format(range.min)}</span>
        </div>
      )}
    </figure>
  );
}
