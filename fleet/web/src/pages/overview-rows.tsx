import { Link } from '../app/router.js';
import { CountChips } from '../components/count-chips.js';
import { HealthSummary } from '../components/health-summary.js';
import { StatusBadge, statusDetail } from '../components/status-badge.js';
import { SyncMark } from '../components/sync-mark.js';
import { useI18n } from '../i18n/i18n.js';
import type { GateGroup, ListedDevice, OverviewRow, ZoneGroup } from '../model/fleet-groups.js';
import { routePath } from '../model/routes.js';

export const ROW_HEIGHTS = { gate: 60, zone: 48, device: 68, deviceNarrow: 96 } as const;

/** Below this width screen rows take two lines (the same query as in styles.css). */
export const NARROW_ROWS = '(max-width: 1080px)';

export function rowHeight(row: OverviewRow, narrow: boolean): number {
  if (row.kind === 'device') return narrow ? ROW_HEIGHTS.deviceNarrow : ROW_HEIGHTS.device;
  return ROW_HEIGHTS[row.kind];
}

interface RowProps {
  row: OverviewRow;
  nowMs: number;
  onToggle(key: string): void;
}

export function OverviewRowView({ row, nowMs, onToggle }: RowProps) {
  if (row.kind === 'device') return <DeviceRow listed={row.listed} nowMs={nowMs} />;
  return <GroupRow kind={row.kind} group={row.group} collapsed={row.collapsed} onToggle={onToggle} />;
}

function GroupRow(props: {
  kind: 'gate' | 'zone';
  group: GateGroup | ZoneGroup;
  collapsed: boolean;
  onToggle(key: string): void;
}) {
  const { t } = useI18n();
  const { kind, group, collapsed, onToggle } = props;
  const Heading = kind === 'gate' ? 'h2' : 'h3';
  return (
    <div className={`group-row group-${kind}`} data-group={group.key}>
      <Heading className="group-heading">
        <button
          type="button"
          className="group-toggle"
          aria-expanded={!collapsed}
          aria-label={t('overview.toggleGroup', { name: group.name })}
          onClick={() => onToggle(group.key)}
        >
          <span className="chevron" aria-hidden="true">
            {collapsed ? '▸' : '▾'}
          </span>
          <span className="group-name">{group.name}</span>
        </button>
      </Heading>
      <CountChips counts={group.counts} />
      {kind === 'gate' && 'gateId' in group && (
        <Link
          to={routePath({ page: 'commissioning', gateId: group.gateId })}
          className="group-commissioning-link"
        >
          {t('commissioning.link')}
        </Link>
      )}
    </div>
  );
}

function DeviceRow({ listed, nowMs }: { listed: ListedDevice; nowMs: number }) {
  const i18n = useI18n();
  const { device, status } = listed;
  const detail = statusDetail(status, nowMs, i18n);
  return (
    <div className="device-row" data-device-id={device.id} data-state={status.state}>
      <div className="device-state">
        <StatusBadge status={status} nowMs={nowMs} />
        {detail && <span className="state-detail">{detail}</span>}
      </div>
      <div className="device-name">
        <Link to={routePath({ page: 'device', deviceId: device.id })} className="device-link">
          {device.name}
        </Link>
        <span className="device-id">{device.id}</span>
      </div>
      <span className="device-version" title={i18n.t('device.agentVersion')}>
        {device.agentVersion ?? '—'}
      </span>
      <HealthSummary sample={device.lastTelemetry} />
      <SyncMark device={device} />
    </div>
  );
}
