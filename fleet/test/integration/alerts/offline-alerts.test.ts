import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startAlertHarness, summary, type AlertHarness } from './alert-harness.js';

const DEVICE = 'cat-bi-arrivals-01';

describe('offline alerts over a real broker, store and MQTT client', () => {
  let harness: AlertHarness;

  beforeEach(async () => {
    harness = await startAlertHarness();
  });

  afterEach(async () => {
    await harness.close();
  });

  it('a screen that disconnects raises offline after the delay, and resolved when it comes back', async () => {
    await harness.setPolicy({ rules: { offline: { delaySec: 1, clearSec: 0 } } });
    const secret = await harness.enrol(DEVICE);
    const client = await harness.connect(DEVICE, secret);
    await eventually(async () =>
      expect((await harness.run.devices.get(DEVICE))?.presence.state).toBe('online'),
    );
    expect(harness.sent).toEqual([]);

    await client.endAsync();
    await eventually(() => expect(summary(harness.sent)).toEqual(['offline:firing']));
    const firing = harness.sent[0];
    expect(firing).toMatchObject({
      device: { id: DEVICE, name: `Screen ${DEVICE}` },
      gate: { id: 'cat-bi-airport', name: 'Cat Bi International Airport' },
      zone: { id: 'arrivals-hall', name: 'Arrivals hall' },
      severity: 'critical',
      flapping: false,
      facts: { presence: 'offline' },
    });
    // The delay counts from when the screen went offline, by the fleet's clock.
    const offlineSince = (await harness.run.devices.get(DEVICE))?.presence.since;
    expect(firing?.since).toBe(offlineSince);
    expect(Date.parse(firing?.at ?? '') - Date.parse(offlineSince ?? '')).toBeGreaterThanOrEqual(1000);

    await harness.connect(DEVICE, secret);
    await eventually(() => expect(summary(harness.sent)).toEqual(['offline:firing', 'offline:resolved']));
    expect(harness.sent[1]?.alertId).toBe(firing?.alertId);
    expect(new Set(harness.sent.map((transition) => transition.id)).size).toBe(2);
  });

  it('a flapping screen (10 disconnects and reconnects) raises one alert, not ten', async () => {
    // Each outage is far shorter than the delay: only flap detection can fire.
    await harness.setPolicy({
      rules: { offline: { delaySec: 60, clearSec: 1, flapChanges: 6, flapWindowSec: 3 } },
    });
    const secret = await harness.enrol(DEVICE);
    for (let cycle = 0; cycle < 10; cycle++) {
      const client = await harness.connect(DEVICE, secret);
      await eventually(async () =>
        expect((await harness.run.devices.get(DEVICE))?.presence.state).toBe('online'),
      );
      await client.endAsync();
      await eventually(async () =>
        expect((await harness.run.devices.get(DEVICE))?.presence.state).toBe('offline'),
      );
    }
    await harness.connect(DEVICE, secret);
    await eventually(async () =>
      expect((await harness.run.devices.get(DEVICE))?.presence.state).toBe('online'),
    );
    await eventually(() => expect(harness.sent.map((transition) => transition.kind)).toContain('resolved'));
    expect(summary(harness.sent)).toEqual(['offline:firing:flapping', 'offline:resolved:flapping']);
  });

  it('a fleet restart keeps an open alert open, without a second firing', async () => {
    await harness.setPolicy({ rules: { offline: { delaySec: 1, clearSec: 0 } } });
    const secret = await harness.enrol(DEVICE);
    const client = await harness.connect(DEVICE, secret);
    await eventually(async () =>
      expect((await harness.run.devices.get(DEVICE))?.presence.state).toBe('online'),
    );
    await client.endAsync();
    await eventually(() => expect(summary(harness.sent)).toEqual(['offline:firing']));
    const alertId = harness.sent[0]?.alertId;

    await harness.restart();
    // The restarted engine sweeps every screen: the screen is still offline, the alert still open.
    await harness.run.engine.sweep();
    await harness.run.engine.tick();
    expect(summary(harness.sent)).toEqual(['offline:firing']);
    expect((await harness.run.engine.alerts.get(alertId ?? ''))?.state).toBe('open');

    await harness.connect(DEVICE, secret);
    await eventually(() => expect(summary(harness.sent)).toEqual(['offline:firing', 'offline:resolved']));
    expect(harness.sent[1]?.alertId).toBe(alertId);
  });
});
