import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import { SCREENS, startCountersApp, type CountersApp } from './counters-app.js';

describe('gatecast counters', () => {
  let t: CountersApp;
  let url: string;
  let operator: string;

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['counters', ...argv], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env: { GATECAST_URL: url, GATECAST_TOKEN: operator, HOME: '/nonexistent' },
      cwd: process.cwd(),
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  beforeEach(async () => {
    t = await startCountersApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    operator = await t.addUser('hoa', [{ role: 'operator', gateId: 'cat-bi-airport' }]);
  });

  afterEach(async () => {
    await t.close();
  });

  it('lists counters with their code and what they show, as a table and as JSON', async () => {
    const token = await t.pairWith(SCREENS.counter1);
    await t.tablet('push', { token, nodeId: 'visa', language: 'vi', minutes: null });
    const table = await run('list');
    expect(table.code, table.err).toBe(0);
    const lines = table.out.trim().split('\n');
    expect(lines[0]).toMatch(/^SCREEN\s+GATE\s+CODE\s+SHOWING\s+TABLETS$/);
    const code1 = (await t.document(SCREENS.counter1)).display.pairingCode as string;
    expect(lines[1]).toMatch(
      new RegExp(`^${SCREENS.counter1}\\s+cat-bi-airport\\s+${code1}\\s+visa \\(vi\\) until cleared\\s+1$`),
    );
    const json = await run('list', '--gate', 'cat-bi-airport', '--json');
    const views = JSON.parse(json.out) as Array<{ deviceId: string; pairings: unknown[] }>;
    expect(views.map((view) => view.deviceId)).toEqual([SCREENS.counter1, SCREENS.counter2]);
  });

  it('replaces a code, and revokes one pairing or all of a screen', async () => {
    const old = (await t.document(SCREENS.counter2)).display.pairingCode;
    const renewed = await run('new-code', SCREENS.counter2, '--json');
    expect(renewed.code, renewed.err).toBe(0);
    const { code } = JSON.parse(renewed.out) as { code: string };
    expect(code).not.toBe(old);
    expect((await t.document(SCREENS.counter2)).display.pairingCode).toBe(code);

    const first = await t.pairWith(SCREENS.counter1);
    const second = await t.pairWith(SCREENS.counter1, '10.0.0.8');
    const { pairingId } = (await t.tablet('session', { token: first })).body;
    const one = await run('unpair', pairingId);
    expect(one.code, one.err).toBe(0);
    expect(one.out).toBe(`revoked pairing ${pairingId} of ${SCREENS.counter1}\n`);
    expect((await t.tablet('session', { token: first })).status).toBe(401);
    expect((await t.tablet('session', { token: second })).status).toBe(200);
    const all = await run('unpair', '--screen', SCREENS.counter1);
    expect(all.out).toMatch(/^revoked pairing [a-f0-9]{12} of cat-bi-counter-01\n$/);
    expect((await t.tablet('session', { token: second })).status).toBe(401);
    const listed = await run('pairings', SCREENS.counter1);
    expect(listed.out.trim().split('\n')).toHaveLength(3);
    expect(listed.out).toContain('by hoa');
  });

  it('fails in one line with a clear message', async () => {
    const signage = await run('new-code', SCREENS.signage);
    expect(signage.code).toBe(1);
    expect(signage.err).toBe(
      `gatecast: CONFLICT: ${SCREENS.signage} is not a counter screen (gatecast devices profile ${SCREENS.signage} counter)\n`,
    );
    const neither = await run('unpair');
    expect(neither.code).toBe(2);
    expect(neither.err).toBe('gatecast: name one pairing id, or --screen SCREEN for all of its pairings\n');
  });
});
