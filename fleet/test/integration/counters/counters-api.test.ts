import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_MAX_FAILURES, FLEET_WRONG_CODE_BUDGET } from '../../../src/counters/pairing-guard.js';
import { CAT_BI_BUNDLE, SCREENS, startCountersApp, type CountersApp } from './counters-app.js';

let t: CountersApp;

beforeEach(async () => {
  t = await startCountersApp();
});

afterEach(async () => {
  await t.close();
});

const later = (minutes: number) => {
  t.clock.now = new Date(t.clock.now.getTime() + minutes * 60_000);
};

/** A code no screen shows: one more than every code in use, wrapped. */
/** Each listed screen's pairing code, in order (undefined where none). */
async function codesOf(ids: string[]): Promise<Array<string | undefined>> {
  return Promise.all(ids.map(async (id) => (await t.document(id)).display.pairingCode));
}

async function wrongCode(): Promise<string> {
  const used = new Set(await codesOf([SCREENS.counter1, SCREENS.counter2, SCREENS.port]));
  for (let n = 0; ; n += 1) {
    const code = String(n).padStart(6, '0');
    if (!used.has(code)) return code;
  }
}

describe('pairing codes on counter screens', () => {
  it('gives every counter screen its own 6-digit code and other screens none', async () => {
    const codes = await codesOf([SCREENS.counter1, SCREENS.counter2, SCREENS.port]);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBe(3);
    expect((await t.document(SCREENS.signage)).display.pairingCode).toBeUndefined();
    expect((await t.document(SCREENS.counter1)).content.counterPage).toBeUndefined();
  });

  it('pairs a tablet by the code, then shows a new code, and audits it as the tablet', async () => {
    const before = await t.document(SCREENS.counter1);
    const { status, body } = await t.tablet('pair', { code: before.display.pairingCode });
    expect(status).toBe(200);
    expect(body.token).toMatch(/^gcc_[A-Za-z0-9_-]{43}$/);
    expect(body.screen).toEqual({ deviceId: SCREENS.counter1, name: 'Counter 1', gateId: 'cat-bi-airport' });
    const after = await t.document(SCREENS.counter1);
    expect(after.version).toBe(before.version + 1);
    expect(after.display.pairingCode).toMatch(/^\d{6}$/);
    expect(after.display.pairingCode).not.toBe(before.display.pairingCode);
    // The used code is gone: a second tablet typing it is refused.
    expect((await t.tablet('pair', { code: before.display.pairingCode }, '10.0.0.8')).status).toBe(401);
    const [entry] = (await t.core.audit.search({ action: 'counter.pair', outcome: 'ok' })).entries;
    expect(entry?.actor).toEqual({
      id: `counter-tablet:${body.pairingId}`,
      name: `counter tablet ${body.pairingId} of ${SCREENS.counter1}`,
    });
    expect(entry).toMatchObject({
      objectType: 'device',
      objectId: SCREENS.counter1,
      gateId: 'cat-bi-airport',
    });
    // The token is stored only as a hash.
    const stored = t.core.db.prepare('SELECT token_hash FROM counter_pairings').pluck().all() as string[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain(body.token);
  });

  it('refuses a wrong code, counting down, then locks the client out with a clear error', async () => {
    for (let tries = CLIENT_MAX_FAILURES - 1; tries >= 1; tries -= 1) {
      const { status, body } = await t.tablet('pair', { code: await wrongCode() });
      expect(status).toBe(401);
      expect(body.error.message).toBe(
        `wrong pairing code; check the code on the counter screen (${tries} tries left)`,
      );
    }
    const locking = await t.tablet('pair', { code: await wrongCode() });
    expect(locking.status).toBe(429);
    expect(locking.body.error.code).toBe('RATE_LIMITED');
    // Locked: even the right code is refused from this client, but not from another one.
    const right = (await t.document(SCREENS.counter1)).display.pairingCode;
    const locked = await t.tablet('pair', { code: right });
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toBe(
      'too many wrong pairing codes from this device; try again in 15 min',
    );
    expect((await t.tablet('pair', { code: right }, '10.0.0.99')).status).toBe(200);
    // After the lock time, the first client may try again.
    later(16);
    expect((await t.tablet('pair', { code: await wrongCode() })).status).toBe(401);
    expect((await t.core.audit.search({ action: 'counter.pair', outcome: 'denied' })).entries.length).toBe(
      CLIENT_MAX_FAILURES + 2,
    );
  });

  it('replaces every code once the fleet as a whole saw too many wrong ones', async () => {
    const before = await codesOf([SCREENS.counter1, SCREENS.counter2, SCREENS.port]);
    for (let n = 0; n < FLEET_WRONG_CODE_BUDGET; n += 1) {
      // Spread over many clients, as a distributed guesser would.
      await t.tablet('pair', { code: await wrongCode() }, `10.1.0.${n}`);
    }
    const after = await codesOf([SCREENS.counter1, SCREENS.counter2, SCREENS.port]);
    for (const [index, code] of after.entries()) expect(code).not.toBe(before[index]);
  });

  it('refuses an expired code and puts a new one on the screen', async () => {
    const old = (await t.document(SCREENS.counter2)).display.pairingCode;
    later(11);
    const { status, body } = await t.tablet('pair', { code: old });
    expect(status).toBe(401);
    expect(body.error.message).toBe(
      'this pairing code has expired; type the new code the counter screen shows now',
    );
    const fresh = (await t.document(SCREENS.counter2)).display.pairingCode;
    expect(fresh).not.toBe(old);
    expect((await t.tablet('pair', { code: fresh })).status).toBe(200);
  });

  it('rejects a code that is not 6 digits before looking at it', async () => {
    const { status, body } = await t.tablet('pair', { code: '12ab' });
    expect(status).toBe(400);
    expect(body.error.message).toContain('the pairing code is the 6 digits the counter screen shows');
  });
});

describe('pushing pages from the tablet', () => {
  it('shows the tree and languages, pushes a page onto the one screen, and clears it', async () => {
    const token = await t.pairWith(SCREENS.counter1);
    const session = await t.tablet('session', { token });
    expect(session.status).toBe(200);
    expect(session.body.screen.deviceId).toBe(SCREENS.counter1);
    expect(session.body.languages.map((language: { name: string }) => language.name)).toEqual([
      'Tiếng Việt',
      'English',
      '中文',
      'ພາສາລາວ',
      'ភាសាខ្មែរ',
      '한국어',
      '日本語',
      'Русский',
    ]);
    expect(session.body.tree.nodes.map((node: { id: string }) => node.id)).toEqual(['entry', 'visa']);
    expect(session.body.shown).toBeNull();

    const versionBefore = (await t.document(SCREENS.counter1)).version;
    const pushed = await t.tablet('push', { token, nodeId: 'visa', language: 'km', minutes: 15 });
    expect(pushed.status).toBe(200);
    const page = {
      nodeId: 'visa',
      language: 'km',
      shownSince: '2026-11-26T02:00:00.000Z',
      until: '2026-11-26T02:15:00.000Z',
    };
    expect(pushed.body.shown).toEqual(page);
    expect((await t.document(SCREENS.counter1)).content.counterPage).toEqual(page);
    expect((await t.document(SCREENS.counter1)).version).toBe(versionBefore + 1);
    // Only that screen got a new document.
    expect((await t.document(SCREENS.counter2)).content.counterPage).toBeUndefined();
    expect((await t.tablet('session', { token })).body.shown).toEqual(page);

    const cleared = await t.tablet('clear', { token });
    expect(cleared.status).toBe(200);
    expect((await t.document(SCREENS.counter1)).content.counterPage).toBeUndefined();
    const actions = (await t.core.audit.search({ objectId: SCREENS.counter1 })).entries.map((entry) => [
      entry.action,
      entry.outcome,
      entry.actor?.name.startsWith('counter tablet '),
    ]);
    expect(actions).toEqual([
      ['counter.clear', 'ok', true],
      ['counter.push', 'ok', true],
      ['counter.pair', 'ok', true],
    ]);
  });

  it('keeps a page up until cleared when no time is given', async () => {
    const token = await t.pairWith(SCREENS.counter1);
    await t.tablet('push', { token, nodeId: 'visa', language: 'vi', minutes: null });
    later(24 * 60);
    await t.desired.refreshMany([SCREENS.counter1]);
    expect((await t.document(SCREENS.counter1)).content.counterPage).toMatchObject({
      nodeId: 'visa',
      until: null,
    });
  });

  it('takes an ended page off the document at its time', async () => {
    const token = await t.pairWith(SCREENS.counter1);
    await t.tablet('push', { token, nodeId: 'visa', language: 'en', minutes: 5 });
    later(4);
    expect(await t.counters.sweep()).toEqual([]);
    expect((await t.document(SCREENS.counter1)).content.counterPage).toBeDefined();
    later(1);
    expect(await t.counters.sweep()).toEqual([SCREENS.counter1]);
    expect((await t.document(SCREENS.counter1)).content.counterPage).toBeUndefined();
    expect((await t.tablet('session', { token })).body.shown).toBeNull();
  });

  it('refuses unknown and unpublished pages, categories, other languages and odd times, clearly', async () => {
    const token = await t.pairWith(SCREENS.counter1);
    const push = (body: object) => t.tablet('push', { token, ...body });
    const unknown = await push({ nodeId: 'nowhere', language: 'vi', minutes: 5 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'page nowhere is not in the published information of gate cat-bi-airport',
    );
    // Unpublished: the information domain's bundle no longer holds it.
    t.bundles.set('cat-bi-airport', {
      ...CAT_BI_BUNDLE,
      nodes: CAT_BI_BUNDLE.nodes.filter((n) => n.id !== 'visa'),
    });
    const unpublished = await push({ nodeId: 'visa', language: 'vi', minutes: 5 });
    expect(unpublished.status).toBe(404);
    expect(unpublished.body.error.message).toBe(
      'page visa is not in the published information of gate cat-bi-airport',
    );
    t.bundles.set('cat-bi-airport', CAT_BI_BUNDLE);
    const category = await push({ nodeId: 'entry', language: 'vi', minutes: 5 });
    expect(category.status).toBe(400);
    expect(category.body.error.message).toBe('entry is a category; push one of its pages');
    const thai = await push({ nodeId: 'visa', language: 'th', minutes: 5 });
    expect(thai.status).toBe(400);
    expect(thai.body.error.message).toBe(
      'th is not a language of gate cat-bi-airport (vi, en, zh-Hans, lo, km, ko, ja, ru)',
    );
    const odd = await push({ nodeId: 'visa', language: 'vi', minutes: 7 });
    expect(odd.status).toBe(400);
    // A gate with nothing published.
    const portToken = await t.pairWith(SCREENS.port);
    const empty = await t.tablet('push', { token: portToken, nodeId: 'visa', language: 'vi', minutes: 5 });
    expect(empty.status).toBe(404);
    expect(empty.body.error.message).toBe('gate hai-phong-port has no published information yet');
    expect((await t.document(SCREENS.counter1)).content.counterPage).toBeUndefined();
    expect((await t.core.audit.search({ action: 'counter.push', outcome: 'failed' })).entries.length).toBe(5);
  });

  it('refuses a token that is unknown, revoked or whose screen is no counter any more', async () => {
    const unknown = await t.tablet('session', { token: 'gcc_' + 'x'.repeat(43) });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(
      'this tablet is not paired with a counter screen; pair it with the code the screen shows',
    );
    const token = await t.pairWith(SCREENS.counter1);
    const operator = await t.addUser('hoa', [{ role: 'operator', gateId: 'cat-bi-airport' }]);
    const { pairingId } = (await t.tablet('session', { token })).body;
    const revoked = await t.call(operator, 'DELETE', `/api/v1/counters/pairings/${pairingId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toBe(true);
    const refused = await t.tablet('push', { token, nodeId: 'visa', language: 'vi', minutes: 5 });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe(
      "this tablet's pairing with Counter 1 was removed by hoa; pair it again with the code the screen shows",
    );
    expect((await t.core.audit.search({ action: 'counter.unpair' })).entries[0]).toMatchObject({
      actor: { name: 'hoa' },
      objectId: pairingId,
      gateId: 'cat-bi-airport',
      outcome: 'ok',
    });
    // A screen turned back into signage loses its code, and its tablets may no longer push.
    const other = await t.pairWith(SCREENS.counter2);
    await t.core.devices.setProfile(SCREENS.counter2, 'signage');
    await t.desired.refreshMany([SCREENS.counter2]);
    expect((await t.document(SCREENS.counter2)).display.pairingCode).toBeUndefined();
    const conflict = await t.tablet('push', { token: other, nodeId: 'visa', language: 'vi', minutes: 5 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toBe('Counter 2 is no longer a counter screen; ask an operator');
  });

  it('lets the tablet revoke its own pairing', async () => {
    const token = await t.pairWith(SCREENS.counter1);
    expect((await t.tablet('unpair', { token })).status).toBe(200);
    expect((await t.tablet('session', { token })).status).toBe(401);
  });
});

describe('operators', () => {
  it('lists counters per gate, shows codes only to those who may command, and replaces a code', async () => {
    await t.pairWith(SCREENS.counter1);
    const viewer = await t.addUser('lan', [{ role: 'viewer', gateId: 'cat-bi-airport' }]);
    const operator = await t.addUser('hoa', [{ role: 'operator', gateId: 'cat-bi-airport' }]);
    const seen = await t.call(viewer, 'GET', '/api/v1/counters');
    expect(seen.status).toBe(200);
    expect(seen.body.counters.map((c: { deviceId: string }) => c.deviceId)).toEqual([
      SCREENS.counter1,
      SCREENS.counter2,
    ]);
    expect(seen.body.counters[0].code).toBeUndefined();
    expect(seen.body.counters[0].pairings).toHaveLength(1);
    const full = await t.call(operator, 'GET', '/api/v1/counters?gate=cat-bi-airport');
    expect(full.body.counters[1].code.code).toBe((await t.document(SCREENS.counter2)).display.pairingCode);
    expect((await t.call(viewer, 'GET', '/api/v1/counters?gate=hai-phong-port')).status).toBe(403);
    expect((await t.call(viewer, 'POST', `/api/v1/counters/${SCREENS.counter2}/new-code`)).status).toBe(403);

    const old = (await t.document(SCREENS.counter2)).display.pairingCode;
    const renewed = await t.call(operator, 'POST', `/api/v1/counters/${SCREENS.counter2}/new-code`);
    expect(renewed.status).toBe(200);
    expect(renewed.body.code).not.toBe(old);
    expect((await t.document(SCREENS.counter2)).display.pairingCode).toBe(renewed.body.code);
    const [entry] = (await t.core.audit.search({ action: 'counter.new-code' })).entries.filter(
      (e) => e.outcome === 'ok',
    );
    expect(JSON.stringify(entry)).not.toContain(renewed.body.code);
    const notCounter = await t.call(operator, 'POST', `/api/v1/counters/${SCREENS.signage}/new-code`);
    expect(notCounter.status).toBe(409);
  });
});

describe('the tablet page', () => {
  it('is served at /counter without an account, with the dashboard’s strict headers', async () => {
    const page = await t.app.inject({ url: '/counter' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script type="module" src="/counter/tablet.js"></script>');
    const script = await t.app.inject({ url: '/counter/tablet.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('fetch(`/api/v1/counter/${path}`');
  });
});
