import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useFleetData } from '../app/fleet-data.js';
import { GateHealthSummary } from '../components/gate-health-summary.js';
import { LiveIndicator } from '../components/live-indicator.js';
import { Notice } from '../components/notice.js';
import { VirtualList } from '../components/virtual-list.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useMediaQuery } from '../hooks/use-media-query.js';
import { useNow } from '../hooks/use-now.js';
import { useI18n } from '../i18n/i18n.js';
import {
  flattenGroups,
  groupFleet,
  type FleetGroups,
  type OverviewRow,
  type StateFilter,
} from '../model/fleet-groups.js';
import { OverviewToolbar, StateTiles } from './overview-controls.js';
import { NARROW_ROWS, OverviewRowView, rowHeight } from './overview-rows.js';

/** Every screen the user may see, by gate and zone, live. */
export function OverviewPage() {
  const { t } = useI18n();
  const { gates, devices, live } = useFleetData();
  const nowMs = useNow();
  const narrow = useMediaQuery(NARROW_ROWS);
  const [text, setText] = useState('');
  const [stateFilter, setStateFilter] = useState<StateFilter>('all');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  // Typing stays responsive with thousands of screens: the list follows a moment later.
  const searchText = useDeferredValue(text);

  const groups = useMemo(
    () => groupFleet(devices.values(), gates, { text: searchText, state: stateFilter }, nowMs),
    [devices, gates, searchText, stateFilter, nowMs],
  );
  const rows = useMemo(() => flattenGroups(groups.gates, collapsed), [groups, collapsed]);
  const heightOf = useCallback((row: OverviewRow) => rowHeight(row, narrow), [narrow]);
  const keyOf = useCallback((row: OverviewRow) => row.key, []);
  const toggle = useCallback((key: string) => {
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);

  return (
    <div className="overview">
      <div className="page-heading">
        <h1>{t('overview.title')}</h1>
        <LiveIndicator live={live} />
      </div>
      <GateHealthSummary />
      <StateTiles counts={groups.all} filter={stateFilter} onFilter={setStateFilter} />
      <OverviewToolbar
        text={text}
        onText={setText}
        groups={groups}
        onCollapseAll={() => setCollapsed(new Set(groups.gates.map((gate) => gate.key)))}
        onExpandAll={() => setCollapsed(new Set())}
      />
      <OverviewNotices groups={groups} />
      <VirtualList
        items={rows}
        keyOf={keyOf}
        heightOf={heightOf}
        label={t('overview.list')}
        className="overview-list"
        render={(row) => <OverviewRowView row={row} nowMs={nowMs} onToggle={toggle} />}
      />
    </div>
  );
}

/** Loading, a failed load, an empty fleet, a search that finds nothing. */
function OverviewNotices({ groups }: { groups: FleetGroups }) {
  const { t } = useI18n();
  const describe = useDescribeError();
  const { loaded, error } = useFleetData();
  if (error !== null)
    return <Notice kind="error">{t('overview.loadFailed', { reason: describe(error) })}</Notice>;
  if (!loaded) return <p className="muted">{t('app.loading')}</p>;
  if (groups.all.total === 0) return <Notice kind="info">{t('overview.empty')}</Notice>;
  if (groups.shown.total === 0) return <Notice kind="info">{t('overview.noMatch')}</Notice>;
  return null;
}
