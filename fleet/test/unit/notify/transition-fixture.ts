import type { AlertTransition } from '../../../src/alerts/alert-types.js';

/** A temperature alert on a Cat Bi arrivals screen, 12 minutes old. */
export function sampleAlert(overrides: Partial<AlertTransition> = {}): AlertTransition {
  return {
    id: 'tr-1',
    alertId: 'al-1',
    kind: 'firing',
    rule: 'temperature',
    severity: 'critical',
    device: { id: 'cat-bi-arrivals-01', name: 'Arrivals 01' },
    gate: { id: 'cat-bi-airport', name: 'Cat Bi International Airport' },
    zone: { id: 'arrivals-hall', name: 'Arrivals hall' },
    since: '2026-11-26T01:02:00.000Z',
    at: '2026-11-26T01:14:00.000Z',
    flapping: false,
    facts: { temperatureC: 84, thresholdC: 80 },
    ...overrides,
  };
}
