import type { AlertTransition } from '../alerts/alert-types.js';

/** What a test message carries where a real alert has a transition; marked as a test by its ids. */
export function sampleTransition(now: Date): AlertTransition {
  const at = now.toISOString();
  return {
    id: 'test',
    alertId: 'test',
    kind: 'firing',
    rule: 'offline',
    severity: 'warning',
    device: { id: 'test-screen', name: 'gatecast test' },
    gate: { id: 'test', name: 'gatecast' },
    zone: { id: 'test', name: 'gatecast' },
    since: at,
    at,
    flapping: false,
    facts: {},
  };
}
