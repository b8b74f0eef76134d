import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentile, recordFigure, sized } from '../../support/figures.js';
import {
  connackOf,
  connectFrame,
  rawConnect,
  startSecureBroker,
  type SecureBroker,
} from '../../support/broker-security.js';

// The catalogue's size takes a few seconds, so the short form runs it too.
const BAD_CONNECTS = sized(2_000, 2_000);
/** Bad CONNECTs in flight at once, all from 127.0.0.1. */
const IN_FLIGHT = 50;
const P95_LIMIT_MS = 1_000;

// S8: one address floods the broker with bad CONNECTs (wrong secrets of a real device, which cost
// a store lookup each, unknown devices, no credentials, mismatched ids, garbage frames) while a
// legitimate screen connects again and again; its connect time is measured during the flood.
describe('S8 connect flood from one address', () => {
  let h: SecureBroker;

  beforeAll(async () => {
    h = await startSecureBroker({ devices: 2 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it(`keeps a legitimate connect fast during ${BAD_CONNECTS} bad CONNECTs`, async () => {
    const [legit, victim] = h.ids as [string, string];
    const bad = (n: number): Buffer => {
      switch (n % 6) {
        case 0:
          return connectFrame({ clientId: victim, username: victim, password: Buffer.from(`wrong-${n}`) });
        case 1:
          return connectFrame({ clientId: `ghost-${n}`, username: `ghost-${n}`, password: Buffer.from('x') });
        case 2:
          return connectFrame({ clientId: victim });
        case 3:
          return connectFrame({ clientId: 'admin', username: 'admin', password: Buffer.from('admin') });
        case 4:
          return connectFrame({
            clientId: legit,
            username: victim,
            password: Buffer.from(h.secrets.get(victim)!),
          });
        default:
          // A CONNECT header claiming far more than the pre-auth limit, then junk.
          return Buffer.concat([Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(64, 0x41)]);
      }
    };
    let sent = 0;
    let badAccepted = 0;
    let flooding = true;
    const started = Date.now();
    const flood = Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (sent < BAD_CONNECTS) {
          const n = sent++;
          const { code } = await rawConnect(h.port, bad(n));
          if (code === 0) badAccepted += 1;
        }
      }),
    ).finally(() => (flooding = false));

    const connectMs: number[] = [];
    let legitRefused = 0;
    while (flooding) {
      const begun = performance.now();
      const client = mqtt.connect(`mqtt://127.0.0.1:${h.port}`, {
        clientId: legit,
        username: legit,
        password: h.secrets.get(legit),
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      });
      const code = await connackOf(client);
      if (code === 0) connectMs.push(performance.now() - begun);
      else legitRefused += 1;
      await client.endAsync(true);
    }
    await flood;
    const floodSeconds = (Date.now() - started) / 1_000;
    const p95 = percentile(connectMs, 95);
    const passed = connectMs.length > 0 && p95 < P95_LIMIT_MS && legitRefused === 0 && badAccepted === 0;
    recordFigure({
      id: 'S8',
      figure:
        `legit connect p95 ${p95.toFixed(0)} ms (p50 ${percentile(connectMs, 50).toFixed(0)}, max ${Math.max(...connectMs).toFixed(0)}; ` +
        `${connectMs.length} connects, ${legitRefused} refused) during ${BAD_CONNECTS} bad CONNECTs ` +
        `in ${floodSeconds.toFixed(1)} s (${badAccepted} accepted)`,
      pass: 'legit connect p95 < 1 s',
      passed,
      size: `${BAD_CONNECTS} bad CONNECTs, ${IN_FLIGHT} in flight`,
    });
    expect(connectMs.length).toBeGreaterThan(0);
    expect(legitRefused).toBe(0);
    expect(badAccepted).toBe(0);
    expect(p95).toBeLessThan(P95_LIMIT_MS);
  });
});
