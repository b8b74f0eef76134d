import { useEffect, useState } from 'react';
import {
  fetchDeviceHealth,
  HEALTH_RANGES,
  type DeviceHealthHistory,
  type HealthRange,
} from '../api/health-api.js';
import { useSession } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';
import { HealthChart, type HealthSeries } from './health-chart.js';
import './health-chart.css';

/** New samples arrive about once a minute; the chart follows without a reload. */
const RELOAD_MS = 60_000;
/** Raw samples: a silence of more than 5 minutes is drawn as a gap. */
const RAW_GAP_MS = 5 * 60_000;
const PERCENT = { min: 0, max: 100 };

/** CPU, temperature, memory and disk of one screen over 6 h, 2 d, 30 d or a year. */
export function HealthChartPanel({ deviceId }: { deviceId: string }) {
  const { t, language, dateTime } = useI18n();
  const { api } = useSession();
  const describe = useDescribeError();
  const [range, setRange] = useState<HealthRange>('6h');
  const [history, setHistory] = useState<DeviceHealthHistory | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    const load = async () => {
      try {
        const answer = await fetchDeviceHealth(api, deviceId, range, Date.now());
        if (current) {
          setHistory(answer);
          setError(null);
        }
      } catch (failure) {
        if (current) setError(failure);
      }
    };
    setHistory(null);
    void load();
    const timer = setInterval(() => void load(), RELOAD_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [api, deviceId, range]);

  const number = new Intl.NumberFormat(language === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  const series: HealthSeries[] = [
    { key: 'cpuLoad', title: t('healthChart.cpu'), unit: '%', fixed: PERCENT },
    { key: 'temperatureC', title: t('healthChart.temperature'), unit: '°C' },
    { key: 'memoryPercent', title: t('healthChart.memory'), unit: '%', fixed: PERCENT },
    { key: 'diskPercent', title: t('healthChart.disk'), unit: '%', fixed: PERCENT },
  ];
  return (
    <section className="card card-wide health-charts" aria-labelledby="health-charts-title">
      <div className="health-charts-heading">
        <h2 id="health-charts-title">{t('healthChart.title')}</h2>
        <div className="health-range" role="group" aria-label={t('healthChart.range')}>
          {(Object.keys(HEALTH_RANGES) as HealthRange[]).map((choice) => (
            <button
              key={choice}
              type="button"
              className="health-range-button"
              aria-pressed={choice === range}
              onClick={() => setRange(choice)}
            >
              {t(`healthChart.range.${choice}`)}
            </button>
          ))}
        </div>
      </div>
      {error !== null && <Notice kind="error">{describe(error)}</Notice>}
      {history === null ? (
        error === null && <p className="muted">{t('app.loading')}</p>
      ) : (
        <>
          <p className="muted health-charts-note" data-resolution={history.resolution}>
            {t('healthChart.span', { from: dateTime(history.from), to: dateTime(history.to) })} ·{' '}
            {t(`healthChart.resolution.${history.resolution}`)}
          </p>
          <div className="health-chart-grid-list">
            {series.map((one) => (
              <HealthChart
                key={one.key}
                series={one}
                points={history.points}
                frame={{
                  fromMs: Date.parse(history.from),
                  toMs: Date.parse(history.to),
                  gapMs: history.stepSec === null ? RAW_GAP_MS : history.stepSec * 2500,
                }}
                format={(value) => number.format(value)}
                emptyText={t('healthChart.empty')}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
