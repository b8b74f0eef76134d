import { useI18n } from '../i18n/i18n.js';
import type { Counts } from '../model/fleet-groups.js';

/** "12 screens · 10 online · 2 offline": zero counts other than online are left out. */
export function CountChips({ counts }: { counts: Counts }) {
  const { t, number } = useI18n();
  const chips: Array<{ key: string; label: string; value: number }> = [
    { key: 'online', label: t('count.online'), value: counts.online },
    { key: 'stale', label: t('count.stale'), value: counts.stale },
    { key: 'offline', label: t('count.offline'), value: counts.offline },
    { key: 'never-seen', label: t('count.neverSeen'), value: counts.neverSeen },
    { key: 'out-of-sync', label: t('count.outOfSync'), value: counts.outOfSync },
  ].filter((chip) => chip.key === 'online' || chip.value > 0);
  return (
    <span className="chips">
      <span className="chip chip-total">
        {t(counts.total === 1 ? 'overview.screen' : 'overview.screens', { count: number(counts.total) })}
      </span>
      {chips.map((chip) => (
        <span key={chip.key} className={`chip chip-${chip.key}`} data-count={chip.key}>
          {number(chip.value)} {chip.label.toLocaleLowerCase()}
        </span>
      ))}
    </span>
  );
}
