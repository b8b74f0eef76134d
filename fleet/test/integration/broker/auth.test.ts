import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceTopic } from '@gatecast/protocol';
import { DEVICES, startHarness, statusPayload, waitFor, type Harness } from './helpers.js';

const [A, B] = DEVICES;

describe('broker authentication', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('accepts a device with its own secret and reports it connected', async () => {
    await h.device(A);
    await waitFor(() => expect(h.connected).toEqual([A]));
    expect(h.broker.isConnected(A)).toBe(true);
    expect(h.broker.connectedDeviceIds()).toEqual([A]);
    expect(h.broker.stats().connectedDevices).toBe(1);
  });

  it('accepts a device when the authenticator answers asynchronously', async () => {
    h.auth.async = true;
    await h.device(B);
    await waitFor(() => expect(h.broker.isConnected(B)).toBe(true));
  });

  it.each([
    ['a wrong secret', { clientId: A, username: A, password: 'not-the-secret' }, 4],
    ['no credentials', { clientId: A }, 4],
    ['a username but no password', { clientId: A, username: A }, 4],
    ['an unknown device', { clientId: 'gate-z-unknown', username: 'gate-z-unknown', password: 'x' }, 4],
    ['a username that is not a device id', { clientId: 'admin', username: 'admin', password: 'x' }, 4],
    ['another device id as client id', { clientId: B, username: A, password: `secret-of-${A}` }, 5],
    ['a secret of another device', { clientId: A, username: A, password: `secret-of-${B}` }, 4],
  ])('refuses %s', async (_name, options, code) => {
    expect(await h.tryConnect(options)).toBe(code);
    expect(h.broker.isConnected(A)).toBe(false);
    expect(h.connected).toEqual([]);
    expect(h.broker.stats().rejectedConnects).toBe(1);
    const refusal = h.lines.find((line) => line.msg === 'connect refused');
    expect(refusal).toMatchObject({ returnCode: code });
    expect(typeof refusal?.reason).toBe('string');
  });

  it('never writes a secret into the log', async () => {
    await h.tryConnect({ clientId: A, username: A, password: 'wrong-secret-value' });
    await h.device(A);
    const text = JSON.stringify(h.lines);
    expect(text).not.toContain('wrong-secret-value');
    expect(text).not.toContain(`secret-of-${A}`);
  });

  it('refuses when the authenticator fails, with "server unavailable"', async () => {
    h.auth.authenticate = () => {
      throw new Error('store is down');
    };
    expect(await h.tryConnect({ clientId: A, username: A, password: `secret-of-${A}` })).toBe(3);
    expect(h.lines.some((line) => line.msg === 'authenticator failed')).toBe(true);
  });

  it('refuses a will aimed at another device status topic (S5)', async () => {
    const will = {
      topic: deviceTopic(B, 'status'),
      payload: Buffer.from(statusPayload('offline')),
      qos: 1 as const,
      retain: true,
    };
    expect(await h.tryConnect({ clientId: A, username: A, password: `secret-of-${A}`, will })).toBe(5);
    expect(h.messages).toEqual([]);
  });

  it('refuses a will that is not a valid status message', async () => {
    const will = {
      topic: deviceTopic(A, 'status'),
      payload: Buffer.from('{"state":"asleep"}'),
      qos: 1 as const,
      retain: true,
    };
    expect(await h.tryConnect({ clientId: A, username: A, password: `secret-of-${A}`, will })).toBe(5);
  });

  it('refuses every bad attempt and accepts only the right one over many tries (S1, small)', async () => {
    const cases = [
      { clientId: A },
      { clientId: A, username: A, password: 'wrong' },
      { clientId: B, username: A, password: `secret-of-${A}` },
    ];
    for (let round = 0; round < 5; round += 1) {
      for (const options of cases) expect(await h.tryConnect(options)).not.toBe(0);
    }
    expect(await h.tryConnect({ clientId: A, username: A, password: `secret-of-${A}` })).toBe(0);
    await waitFor(() => expect(h.connected).toEqual([A]));
    expect(h.broker.stats().rejectedConnects).toBe(15);
  });
});
