import type { TelemetrySample } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { percentOf } from '../model/format.js';

/** CPU load, temperature and memory in one line, for the overview rows. */
export function HealthSummary({ sample }: { sample: TelemetrySample | null }) {
  const { t } = useI18n();
  if (!sample) return <span className="health health-none">{t('health.none')}</span>;
  const memory = percentOf(sample.memory.usedBytes, sample.memory.totalBytes);
  const temperature = sample.cpu.temperatureC;
  return (
    <span className="health">
      <span className="metric">
        <span className="metric-label">{t('health.cpu')}</span> {Math.round(sample.cpu.loadPercent)}%
      </span>
      <span className={`metric${temperature !== null && temperature >= 80 ? ' metric-warn' : ''}`}>
        <span className="metric-label">{t('health.temp')}</span>{' '}
        {temperature === null ? '—' : `${Math.round(temperature)} °C`}
      </span>
      <span className={`metric${memory !== null && memory >= 90 ? ' metric-warn' : ''}`}>
        <span className="metric-label">{t('health.memory')}</span> {memory === null ? '—' : `${memory}%`}
      </span>
    </span>
  );
}
