import { sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnrolmentService } from '../../../src/enrolment/enrolment-service.js';
import type { Gate } from '../../../src/gates/gates-repo.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';

const AT = '2026-11-26T02:00:00.000Z';
const GATE: Gate = {
  id: 'cat-bi-airport',
  name: 'Cat Bi',
  timeZone: 'Asia/Ho_Chi_Minh',
  languages: ['vi'],
  createdAt: AT,
  zones: [{ id: 'arrivals-hall', gateId: 'cat-bi-airport', name: 'Arrivals', createdAt: AT }],
};
const body = (serial: string) => ({ serial, model: 'Pi 5', agentVersion: '1.0.0', network: null });

// The service over each store: what it stores and how two screens asking at once are kept apart.
describe.each(STORE_DIALECTS)('enrolment in the store (%s)', (dialect) => {
  let store: TestStore;
  let enrolment: EnrolmentService;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    // The gates table is not on the async path yet: a row is enough for the token's foreign key.
    await store.sql.run(
      sql`INSERT INTO gates (id, name, time_zone, languages, created_at) VALUES (${GATE.id}, 'Cat Bi', 'Asia/Ho_Chi_Minh', '["vi"]', ${AT})`,
    );
    enrolment = new EnrolmentService({
      sql: store.sql,
      gates: { get: async (id) => (id === GATE.id ? GATE : undefined) },
      releaseKeys: [],
      log: pino({ level: 'silent' }),
      now: () => new Date(AT),
    });
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('gives a screen asking twice at once one request, and a second screen its own code', async () => {
    const { token } = await enrolment.createToken({ gateId: GATE.id, expiresInHours: 24 }, 'lan');
    const [first, again] = await Promise.all([
      enrolment.ask(token, body('serial-1')),
      enrolment.ask(token, body('serial-1')),
    ]);
    expect(again.requestId).toBe(first.requestId);
    expect(again.pairingCode).toBe(first.pairingCode);
    const other = await enrolment.ask(token, body('serial-2'));
    expect(other.pairingCode).not.toBe(first.pairingCode);
    const waiting = await enrolment.requests({ state: 'pending' });
    expect(waiting.map((request) => request.serial).sort()).toEqual(['serial-1', 'serial-2']);
    expect((await enrolment.pendingByCode(other.pairingCode)).id).toBe(other.requestId);
    // Only the poll token handed out last works.
    const works = async (pollToken: string) =>
      enrolment.poll(first.requestId, pollToken).then(
        () => true,
        () => false,
      );
    expect([await works(first.pollToken), await works(again.pollToken)].sort()).toEqual([false, true]);
    await expect(enrolment.poll(first.requestId, 'not-the-token')).rejects.toThrow(/unknown enrolment/);
  });

  it('hands the credentials out once, and refuses the waiting screens of a revoked token', async () => {
    const created = await enrolment.createToken({ gateId: GATE.id, expiresInHours: 24 }, 'lan');
    const approved = await enrolment.ask(created.token, body('serial-1'));
    const waiting = await enrolment.ask(created.token, body('serial-2'));
    const delivery = {
      id: 'cat-bi-01',
      secret: 'a-device-secret-of-enough-length',
      mqttUrl: 'mqtt://fleet:1883',
      name: 'Belt 1',
      gateId: GATE.id,
      zoneId: 'arrivals-hall',
      releasePublicKeys: [],
    };
    expect(await enrolment.recordApproval(approved.requestId, delivery, 'lan')).toBe(true);
    expect(await enrolment.recordApproval(approved.requestId, delivery, 'duc')).toBe(false);
    const polls = await Promise.all([
      enrolment.poll(approved.requestId, approved.pollToken),
      enrolment.poll(approved.requestId, approved.pollToken),
    ]);
    expect(polls.filter((status) => status.device !== undefined)).toHaveLength(1);

    const revoked = await enrolment.revokeToken(created.id, 'lan');
    expect(revoked.state).toBe('revoked');
    expect((await enrolment.request(waiting.requestId)).state).toBe('refused');
    expect((await enrolment.request(approved.requestId)).state).toBe('approved');
    await expect(enrolment.ask(created.token, body('serial-3'))).rejects.toThrow(
      /unknown, expired or revoked/,
    );
    expect((await enrolment.tokens()).map((token) => token.id)).toEqual([created.id]);
  });
});
