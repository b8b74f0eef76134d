import type { ReactNode } from 'react';
import type { DeviceView, Gate, TelemetrySample } from '../api/types.js';
import { statusDetail } from '../components/status-badge.js';
import { SyncMark } from '../components/sync-mark.js';
import { useI18n } from '../i18n/i18n.js';
import { formatBytes, percentOf } from '../model/format.js';
import type { ScreenStatus } from '../model/screen-state.js';

export function DetailsPanel(props: {
  device: DeviceView;
  status: ScreenStatus;
  gates: Gate[];
  nowMs: number;
}) {
  const i18n = useI18n();
  const { t, dateTime, relative } = i18n;
  const { device, status, gates, nowMs } = props;
  const gate = gates.find((candidate) => candidate.id === device.gateId);
  const zone = gate?.zones.find((candidate) => candidate.id === device.zoneId);
  const rows: Array<[string, ReactNode]> = [
    [t('device.id'), <code key="id">{device.id}</code>],
    [t('device.name'), device.name],
    [t('device.gate'), gate?.name ?? device.gateId],
    [t('device.zone'), zone?.name ?? device.zoneId],
    [t('device.tags'), device.tags.length > 0 ? device.tags.join(', ') : t('device.noTags')],
    [t('device.enrolled'), dateTime(device.createdAt)],
    [t('device.agentVersion'), device.agentVersion ?? t('health.unknown')],
    [
      t('device.state'),
      <span key="state" className={`status status-${status.state}`}>
        <span className="status-dot" aria-hidden="true" />
        {statusDetail(status, nowMs, i18n) ?? t(`state.${status.state}`)}
      </span>,
    ],
    [t('device.lastHeard'), relative(device.presence.lastSeenAt, nowMs)],
    [t('device.connected'), device.connected ? t('device.yes') : t('device.no')],
    [t('sync.inSync'), <SyncMark key="sync" device={device} />],
  ];
  return (
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title">{t('device.details')}</h2>
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function HealthPanel({
  sample,
  receivedAt,
}: {
  sample: TelemetrySample | null;
  receivedAt: string | null;
}) {
  const { t, dateTime, duration } = useI18n();
  const ofTotal = (used: number, total: number) =>
    t('health.ofTotal', {
      used: formatBytes(used),
      total: formatBytes(total),
      percent: percentOf(used, total) ?? '—',
    });
  const rows: Array<[string, string]> = sample
    ? [
        [t('health.cpuLoad'), `${Math.round(sample.cpu.loadPercent)}%`],
        [
          t('health.temperature'),
          sample.cpu.temperatureC === null ? t('health.unknown') : `${sample.cpu.temperatureC.toFixed(1)} °C`,
        ],
        [t('health.memoryUsed'), ofTotal(sample.memory.usedBytes, sample.memory.totalBytes)],
        [
          t('health.diskUsed'),
          sample.disk ? ofTotal(sample.disk.usedBytes, sample.disk.totalBytes) : t('health.unknown'),
        ],
        [t('health.uptime'), duration(sample.uptimeSec)],
        [t('health.agentMemory'), formatBytes(sample.agent.rssBytes)],
        [t('health.agentUptime'), duration(sample.agent.uptimeSec)],
        [t('health.sampledAt'), dateTime(receivedAt)],
      ]
    : [];
  return (
    <section className="card" aria-labelledby="health-title">
      <h2 id="health-title">{t('device.health')}</h2>
      {sample ? (
        <dl className="facts">
          {rows.map(([label, value]) => (
            <div key={label} className="fact">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">{t('health.none')}</p>
      )}
    </section>
  );
}
