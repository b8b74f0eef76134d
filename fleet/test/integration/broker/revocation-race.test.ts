import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEVICES, settle, startHarness, type Harness } from './helpers.js';

const [A, B] = DEVICES;

// A revocation replaces the secret, then kicks the device. A CONNECT whose secret lookup began
// before and answers after (a slow store read of the old row) must not get a session.
describe('revocation while a CONNECT is being checked', () => {
  let h: Harness;
  let lookupStarted: Promise<void>;
  let answerLookup: () => void;

  beforeEach(async () => {
    h = await startHarness();
    let started!: () => void;
    lookupStarted = new Promise((resolve) => (started = resolve));
    const held = new Promise<void>((resolve) => (answerLookup = resolve));
    const check = h.auth.authenticate.bind(h.auth);
    // Reads the secret at once, answers only when the test says: the store's old row.
    h.auth.authenticate = async (deviceId, secret) => {
      const ok = check(deviceId, secret);
      started();
      await held;
      return ok;
    };
  });

  afterEach(async () => {
    await h.close();
  });

  it('refuses the CONNECT when the device is kicked while its old secret is being checked', async () => {
    const code = h.tryConnect({ clientId: A, username: A, password: `secret-of-${A}` });
    await lookupStarted;
    h.auth.secrets.set(A, 'the-new-secret');
    expect(h.broker.kick(A)).toBe(false);
    answerLookup();
    expect(await code).toBe(4);
    await settle();
    expect(h.broker.isConnected(A)).toBe(false);
    expect(h.connected).toEqual([]);
    expect(h.lines.find((line) => line.msg === 'connect refused')).toMatchObject({
      reason: 'revoked while its secret was checked',
    });
  });

  it('still accepts a CONNECT checked while another device is kicked', async () => {
    const code = h.tryConnect({ clientId: A, username: A, password: `secret-of-${A}` });
    await lookupStarted;
    h.broker.kick(B);
    answerLookup();
    expect(await code).toBe(0);
  });
});
