import type { DesiredDocument } from '@gatecast/protocol';
import { evaluateSchedule } from '@gatecast/protocol/schedule';
import { inactive, type RuleEvaluator } from './rule-types.js';

/** Plan changes followed per evaluation; a schedule changes far less often within the lead time. */
const MAX_STEPS = 64;

/** The first scheduled entry (any layer, announcements included) playing between now and `until`. */
export function firstEntryLive(
  desired: DesiredDocument,
  now: Date,
  until: Date,
): { entryId: string; layer: string; at: Date } | null {
  let at = now;
  for (let step = 0; step < MAX_STEPS && at.getTime() <= until.getTime(); step++) {
    const plan = evaluateSchedule(desired, { now: at, trusted: true });
    for (const zone of Object.values(plan.zones)) {
      if (zone?.source === 'schedule' && zone.entryId !== null) {
        return { entryId: zone.entryId, layer: zone.layer ?? 'official', at };
      }
    }
    if (!plan.nextChangeAt || plan.nextChangeAt.getTime() <= at.getTime()) return null;
    at = plan.nextChangeAt;
  }
  return null;
}

/**
 * Something is scheduled to play within the lead time (threshold, minutes) or already plays, and
 * the screen's cache is not ready for the desired version: travellers would see the default loop.
 */
export const contentNotReadyRule: RuleEvaluator = (input, settings, now) => {
  const { desired, reported } = input;
  if (!desired || !reported || input.presence.state !== 'online') return inactive(settings);
  const cache = reported.cache;
  if (!cache) return inactive(settings);
  const behind = cache.version === null || cache.version < desired.version;
  if (cache.ready && !behind) return inactive(settings);
  const leadMin = settings.threshold ?? 30;
  const live = firstEntryLive(desired, now, new Date(now.getTime() + leadMin * 60_000));
  if (!live) return inactive(settings);
  return {
    active: true,
    severity: settings.severity,
    facts: {
      entryId: live.entryId,
      layer: live.layer,
      goesLiveAt: live.at.toISOString(),
      desiredVersion: desired.version,
      cacheVersion: cache.version,
      missingFiles: cache.missing,
    },
  };
};
