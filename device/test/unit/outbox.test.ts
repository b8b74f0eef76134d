import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/link/outbox.js';

describe('Outbox', () => {
  it('keeps messages in order and empties on drain', () => {
    const outbox = new Outbox({ events: 5, telemetry: 5, 'cmd/res': 5 });
    outbox.push({ kind: 'events', payload: 'e1' });
    outbox.push({ kind: 'telemetry', payload: 't1' });
    outbox.push({ kind: 'events', payload: 'e2' });
    expect(outbox.drain()).toEqual({
      messages: [
        { kind: 'events', payload: 'e1' },
        { kind: 'telemetry', payload: 't1' },
        { kind: 'events', payload: 'e2' },
      ],
      dropped: {},
    });
    expect(outbox.size).toBe(0);
  });

  it('drops the oldest of a kind past its cap, counts the drops, and leaves other kinds alone', () => {
    const outbox = new Outbox({ events: 3, telemetry: 1, 'cmd/res': 0 });
    outbox.push({ kind: 'telemetry', payload: 't1' });
    for (let i = 1; i <= 5; i++) outbox.push({ kind: 'events', payload: `e${i}` });
    outbox.push({ kind: 'telemetry', payload: 't2' });
    outbox.push({ kind: 'cmd/res', payload: 'r1' });
    const { messages, dropped } = outbox.drain();
    expect(messages.map((message) => message.payload)).toEqual(['e3', 'e4', 'e5', 't2']);
    expect(dropped).toEqual({ events: 2, telemetry: 1, 'cmd/res': 1 });
    expect(outbox.drain().dropped).toEqual({});
  });

  it('stays bounded over a long outage', () => {
    const outbox = new Outbox({ events: 500, telemetry: 120, 'cmd/res': 50 });
    for (let i = 0; i < 10_000; i++)
      outbox.push({ kind: i % 2 ? 'events' : 'telemetry', payload: String(i) });
    expect(outbox.size).toBe(620);
    const { messages, dropped } = outbox.drain();
    expect(messages.at(-1)?.payload).toBe('9999');
    expect(dropped).toEqual({ events: 4_500, telemetry: 4_880 });
  });
});
