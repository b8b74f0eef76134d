import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../../src/cluster/cluster-events.js';
import { shareEngineSignals } from '../../../src/cluster/engine-signals.js';

type Published = ClusterMessage extends infer M ? (M extends unknown ? Omit<M, 'origin'> : never) : never;

/** One process's view: the bus records what it publishes and lets the test deliver messages. */
function setup(holding: boolean) {
  const calls: string[] = [];
  const published: Published[] = [];
  const handlers = new Map<string, (message: ClusterMessage) => void>();
  const alerts = {
    acknowledged: async (deviceId: string, rule: string, alertId: string) =>
      void calls.push(`ack ${deviceId} ${rule} ${alertId}`),
    policiesChanged: async () => void calls.push('policies'),
  };
  const rollouts = { poke: () => void calls.push('poke') };
  const state = { holding };
  shareEngineSignals({
    bus: {
      publish: (message) => void published.push(message as Published),
      on: (kind, handler) => void handlers.set(kind, handler as (message: ClusterMessage) => void),
    },
    runsEngines: () => state.holding,
    alerts,
    rollouts,
    log: pino({ level: 'silent' }),
  });
  const deliver = (message: ClusterMessage) => handlers.get(message.kind)?.(message);
  return { calls, published, alerts, rollouts, deliver, state };
}

describe('shareEngineSignals', () => {
  it("acts on an acknowledgement in the engines' process and tells nobody", async () => {
    const { calls, published, alerts } = setup(true);
    await alerts.acknowledged('screen-1', 'offline', 'alert-1');
    expect(calls).toEqual(['ack screen-1 offline alert-1']);
    expect(published).toEqual([]);
  });

  it("sends an acknowledgement made elsewhere to the engines' process instead of evaluating here", async () => {
    const elsewhere = setup(false);
    await elsewhere.alerts.acknowledged('screen-1', 'offline', 'alert-1');
    expect(elsewhere.calls).toEqual([]);
    expect(elsewhere.published).toEqual([
      { kind: 'alert-acknowledged', deviceId: 'screen-1', rule: 'offline', alertId: 'alert-1' },
    ]);
    const holder = setup(true);
    holder.deliver({
      origin: 'b',
      kind: 'alert-acknowledged',
      deviceId: 'screen-1',
      rule: 'offline',
      alertId: 'alert-1',
    });
    expect(holder.calls).toEqual(['ack screen-1 offline alert-1']);
    const idle = setup(false);
    idle.deliver({
      origin: 'b',
      kind: 'alert-acknowledged',
      deviceId: 'screen-1',
      rule: 'offline',
      alertId: 'alert-1',
    });
    expect(idle.calls).toEqual([]);
  });

  it('reloads policies here and in every other process', async () => {
    const { calls, published, alerts, deliver } = setup(false);
    await alerts.policiesChanged();
    expect(calls).toEqual(['policies']);
    expect(published).toEqual([{ kind: 'alert-policies-changed' }]);
    deliver({ origin: 'b', kind: 'alert-policies-changed' });
    expect(calls).toEqual(['policies', 'policies']);
    expect(published).toHaveLength(1);
  });

  it('wakes the rollout engine wherever it runs', async () => {
    const elsewhere = setup(false);
    elsewhere.rollouts.poke();
    expect(elsewhere.published).toEqual([{ kind: 'rollouts-changed' }]);
    const holder = setup(true);
    holder.deliver({ origin: 'b', kind: 'rollouts-changed' });
    holder.rollouts.poke();
    expect(holder.calls).toEqual(['poke', 'poke']);
    expect(holder.published).toEqual([]);
  });
});
