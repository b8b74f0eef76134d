import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseClusterMessage } from '../../../src/cluster/cluster-events.js';
import { withoutPassword } from '../../../src/config.js';
import { FleetEvents } from '../../../src/devices/fleet-events.js';

function events() {
  const clock = { ms: 0 };
  const fleetEvents = new FleetEvents({
    log: pino({ level: 'silent' }),
    minIntervalMs: 0,
    now: () => clock.ms,
  });
  const heard: string[] = [];
  const relayed: string[] = [];
  return { fleetEvents, heard, relayed, clock };
}

describe('FleetEvents in a cluster', () => {
  it('relays a change made here to the other processes and tells local listeners', () => {
    const { fleetEvents, heard, relayed } = events();
    fleetEvents.subscribe((id) => heard.push(id));
    fleetEvents.relayTo((id) => relayed.push(id));
    fleetEvents.deviceChanged('screen-1');
    expect(heard).toEqual(['screen-1']);
    expect(relayed).toEqual(['screen-1']);
  });

  it('relays even with no local listener: the listeners may be in another process', () => {
    const { fleetEvents, relayed } = events();
    fleetEvents.relayTo((id) => relayed.push(id));
    fleetEvents.deviceChanged('screen-1');
    expect(relayed).toEqual(['screen-1']);
  });

  it('never relays a change that came from another process', () => {
    const { fleetEvents, heard, relayed } = events();
    fleetEvents.subscribe((id) => heard.push(id));
    fleetEvents.relayTo((id) => relayed.push(id));
    fleetEvents.deviceChangedElsewhere('screen-2');
    expect(heard).toEqual(['screen-2']);
    expect(relayed).toEqual([]);
  });

  it('keeps the local listeners when the relay throws', () => {
    const { fleetEvents, heard } = events();
    fleetEvents.subscribe((id) => heard.push(id));
    fleetEvents.relayTo(() => {
      throw new Error('Redis is away');
    });
    fleetEvents.deviceChanged('screen-1');
    expect(heard).toEqual(['screen-1']);
  });

  it('stops relaying after stop()', () => {
    const { fleetEvents, relayed } = events();
    fleetEvents.relayTo((id) => relayed.push(id));
    fleetEvents.stop();
    fleetEvents.deviceChanged('screen-1');
    expect(relayed).toEqual([]);
  });
});

describe('parseClusterMessage', () => {
  it('reads device changes and kicks, and refuses anything else', () => {
    expect(parseClusterMessage('{"origin":"a-1","kind":"device-changed","deviceId":"screen-1"}')).toEqual({
      origin: 'a-1',
      kind: 'device-changed',
      deviceId: 'screen-1',
    });
    expect(parseClusterMessage('{"origin":"a-1","kind":"kick","deviceId":"screen-1"}')?.kind).toBe('kick');
    expect(parseClusterMessage('{"origin":"a-1","kind":"rollouts-changed"}')?.kind).toBe('rollouts-changed');
    expect(
      parseClusterMessage(
        '{"origin":"a","kind":"alert-acknowledged","deviceId":"s","rule":"offline","alertId":"x"}',
      ),
    ).toMatchObject({ rule: 'offline', alertId: 'x' });
    expect(
      parseClusterMessage(
        '{"origin":"a","kind":"alert-acknowledged","deviceId":"s","rule":"bogus","alertId":"x"}',
      ),
    ).toBeNull();
    expect(parseClusterMessage('{"origin":"a-1","kind":"reboot","deviceId":"screen-1"}')).toBeNull();
    expect(parseClusterMessage('{"origin":"a-1","kind":"kick"}')).toBeNull();
    expect(parseClusterMessage('null')).toBeNull();
    expect(parseClusterMessage('not json')).toBeNull();
  });

  it("checks a relayed command result as the broker checks a screen's", () => {
    const result = {
      id: 'cmd-00000001',
      name: 'ping',
      ok: true,
      at: '2026-11-26T08:00:00.000Z',
      result: { pong: true },
    };
    const text = (value: unknown) =>
      JSON.stringify({ origin: 'a-1', kind: 'command-result', deviceId: 'screen-1', result: value });
    expect(parseClusterMessage(text(result))).toMatchObject({
      kind: 'command-result',
      result: { id: 'cmd-00000001' },
    });
    expect(parseClusterMessage(text({ nonsense: true }))).toBeNull();
    expect(
      parseClusterMessage(JSON.stringify({ origin: 'a', kind: 'command-result', deviceId: '../x', result })),
    ).toBeNull();
  });
});

describe('withoutPassword', () => {
  it('hides the password of a Redis URL and leaves one without alone', () => {
    expect(withoutPassword('redis://:s3cret@10.0.0.5:6379/0')).toBe('redis://:***@10.0.0.5:6379/0');
    expect(withoutPassword('rediss://gatecast:s3cret@redis:6380')).toBe('rediss://gatecast:***@redis:6380');
    expect(withoutPassword('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });
});
