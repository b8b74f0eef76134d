import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../src/alerts/alert-policy.js';
import type { PolicySet } from '../../../web/src/api/alerts-api.js';
import {
  bodyFromDraft,
  draftFromOverride,
  flattenSettings,
  inheritedSettings,
  settingFields,
  unflattenSettings,
} from '../../../web/src/model/alerts-policy.js';

// The editor is built from the fleet's real defaults, so these tests break if the two drift apart.
const policies: PolicySet = {
  defaults: DEFAULT_POLICY,
  overrides: [
    { gateId: 'cat-bi-airport', zoneId: null, rules: { offline: { delaySec: 60 } }, quietHours: null },
    {
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals-hall',
      rules: { offline: { escalateAfterMin: 10 }, temperature: { threshold: 75, enabled: false } },
      quietHours: { from: '22:00', to: '06:00' },
    },
  ],
};

describe('the rule settings form', () => {
  it('offers enabled, severity and the threshold first, then the timings, then flapping', () => {
    expect(settingFields(DEFAULT_POLICY.rules.temperature)).toEqual([
      { key: 'enabled', type: 'boolean' },
      { key: 'severity', type: 'severity' },
      { key: 'threshold', type: 'number' },
      { key: 'delaySec', type: 'number' },
      { key: 'clearSec', type: 'number' },
      { key: 'escalateAfterMin', type: 'number' },
      { key: 'flapChanges', type: 'number' },
      { key: 'flapWindowSec', type: 'number' },
    ]);
  });

  it('has no threshold for a rule without one, but keeps a "never" escalation editable', () => {
    const keys = settingFields(DEFAULT_POLICY.rules['under-voltage']).map((field) => field.key);
    expect(keys).not.toContain('threshold');
    expect(keys).toContain('escalateAfterMin');
  });

  it('shows nested settings one level flat and puts them back', () => {
    const nested = { enabled: true, flap: { changes: 10, windowSec: 300 } };
    expect(flattenSettings(nested)).toEqual({ enabled: true, 'flap.changes': 10, 'flap.windowSec': 300 });
    expect(unflattenSettings(flattenSettings(nested))).toEqual(nested);
  });
});

describe('what a scope inherits', () => {
  it('a gate inherits the defaults; a zone inherits its gate’s override on top', () => {
    expect(inheritedSettings(policies, 'offline', 'cat-bi-airport', null).delaySec).toBe(180);
    expect(inheritedSettings(policies, 'offline', 'cat-bi-airport', 'arrivals-hall').delaySec).toBe(60);
    expect(inheritedSettings(policies, 'offline', 'hai-phong-port', 'passenger-terminal').delaySec).toBe(180);
  });
});

describe('the form and the stored override', () => {
  const zone = policies.overrides[1];

  it('fills the form from the stored override, as text', () => {
    const draft = draftFromOverride(zone);
    expect(draft.rules).toEqual({
      offline: { escalateAfterMin: '10' },
      temperature: { threshold: '75', enabled: 'false' },
    });
    expect([draft.quietFrom, draft.quietTo]).toEqual(['22:00', '06:00']);
    expect([draft.displayFrom, draft.displayTo]).toEqual(['', '']);
    // The gate's `quietHours: null` is "none at this level", kept through an edit.
    expect(draftFromOverride(policies.overrides[0]).quietNone).toBe(true);
    expect(draft.quietNone).toBe(false);
  });

  it('sends "none at this level" as null, whatever times the form still holds', () => {
    const draft = { ...draftFromOverride(zone), quietNone: true };
    expect(bodyFromDraft(draft, DEFAULT_POLICY)).toMatchObject({ body: { quietHours: null } });
  });

  it('sends back only what was filled in, typed; empty hours inherit (absent)', () => {
    const draft = draftFromOverride(zone);
    draft.rules.offline = { escalateAfterMin: '10', delaySec: ' ', severity: 'warning' };
    const answer = bodyFromDraft(draft, DEFAULT_POLICY);
    expect(answer).toEqual({
      body: {
        rules: {
          offline: { escalateAfterMin: 10, severity: 'warning' },
          temperature: { threshold: 75, enabled: false },
        },
        quietHours: { from: '22:00', to: '06:00' },
      },
    });
    expect('displayOnHours' in (answer as { body: object }).body).toBe(false);
  });

  it('names the field that is not a number, and refuses half-given or empty hours', () => {
    const draft = draftFromOverride(undefined);
    draft.rules.disk = { threshold: 'ninety' };
    expect(bodyFromDraft(draft, DEFAULT_POLICY)).toEqual({
      problem: { kind: 'number', rule: 'disk', key: 'threshold' },
    });
    draft.rules.disk = { threshold: '-1' };
    expect(bodyFromDraft(draft, DEFAULT_POLICY)).toEqual({
      problem: { kind: 'number', rule: 'disk', key: 'threshold' },
    });
    const hours = { ...draftFromOverride(undefined), displayFrom: '07:00' };
    expect(bodyFromDraft(hours, DEFAULT_POLICY)).toEqual({ problem: { kind: 'hours', which: 'display' } });
    const same = { ...draftFromOverride(undefined), quietFrom: '22:00', quietTo: '22:00' };
    expect(bodyFromDraft(same, DEFAULT_POLICY)).toEqual({ problem: { kind: 'hours', which: 'quiet' } });
  });
});
