import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/translate.js';
import type { Counts, FleetGroups, StateFilter } from '../model/fleet-groups.js';

const TILES: Array<{ filter: StateFilter; count: keyof Counts; label: MessageKey }> = [
  { filter: 'all', count: 'total', label: 'count.total' },
  { filter: 'online', count: 'online', label: 'count.online' },
  { filter: 'stale', count: 'stale', label: 'count.stale' },
  { filter: 'offline', count: 'offline', label: 'count.offline' },
  { filter: 'never-seen', count: 'neverSeen', label: 'count.neverSeen' },
  { filter: 'out-of-sync', count: 'outOfSync', label: 'count.outOfSync' },
];

/** A count per state over everything visible; pressing one shows only those screens. */
export function StateTiles(props: {
  counts: Counts;
  filter: StateFilter;
  onFilter(filter: StateFilter): void;
}) {
  const { t, number } = useI18n();
  const { counts, filter, onFilter } = props;
  return (
    <div className="tiles" role="group" aria-label={t('overview.stateFilter')}>
      {TILES.map((tile) => (
        <button
          key={tile.filter}
          type="button"
          className={`tile tile-${tile.filter}`}
          aria-pressed={filter === tile.filter}
          data-tile={tile.filter}
          onClick={() => onFilter(filter === tile.filter ? 'all' : tile.filter)}
        >
          <span className="tile-value">{number(counts[tile.count])}</span>
          <span className="tile-label">{t(tile.label)}</span>
        </button>
      ))}
    </div>
  );
}

interface ToolbarProps {
  text: string;
  onText(text: string): void;
  groups: FleetGroups;
  onCollapseAll(): void;
  onExpandAll(): void;
}

/** Search, how many screens show, and folding every gate at once. */
export function OverviewToolbar({ text, onText, groups, onCollapseAll, onExpandAll }: ToolbarProps) {
  const { t, number } = useI18n();
  return (
    <div className="toolbar">
      <label className="field field-inline search">
        <span className="visually-hidden">{t('overview.search')}</span>
        <input
          type="search"
          name="search"
          placeholder={t('overview.searchPlaceholder')}
          value={text}
          onChange={(event) => onText(event.target.value)}
        />
      </label>
      <span className="muted">
        {t('overview.showing', { shown: number(groups.shown.total), total: number(groups.all.total) })}
      </span>
      <span className="toolbar-end">
        <button type="button" className="button button-quiet" onClick={onCollapseAll}>
          {t('overview.collapseAll')}
        </button>
        <button type="button" className="button button-quiet" onClick={onExpandAll}>
          {t('overview.expandAll')}
        </button>
      </span>
    </div>
  );
}
