import type { AlertFacts } from '../alert-types.js';
import type { RuleEvaluator } from './rule-types.js';

/**
 * Offline, or enrolled and never seen. The condition began at presence.since (the fleet's clock),
 * so "offline for longer than delaySec" survives a fleet restart; presence history feeds flap counting.
 */
export const offlineRule: RuleEvaluator = (input, settings) => {
  const { state, since, lastSeenAt } = input.presence;
  const active = state !== 'online';
  const began = state === 'never-seen' ? input.createdAt : (since ?? input.createdAt);
  return {
    active,
    severity: settings.severity,
    facts: (active
      ? { presence: state, offlineSince: began, lastSeenAt }
      : { presence: state }) as AlertFacts,
    since: began,
    changedAt: input.presenceChanges,
  };
};
