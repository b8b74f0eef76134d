import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, type AuditRecord } from '../../../src/audit/audit-log.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';

const record = (fields: Partial<AuditRecord>): AuditRecord => ({
  at: '2025-03-01T08:00:00.000Z',
  actor: { id: 'usr_lan', name: 'lan.nguyen' },
  action: 'device.create',
  objectType: 'device',
  objectId: 'cat-bi-arrivals-1',
  gateId: 'cat-bi-airport',
  outcome: 'ok',
  status: 201,
  ip: '127.0.0.1',
  ...fields,
});

describe.each(STORE_DIALECTS)('the audit log (%s)', (dialect) => {
  let store: TestStore;
  let audit: AuditLog;

  beforeEach(async ({ skip }) => {
    if (missingStore(dialect)) skip();
    store = await openTestStore(dialect);
    audit = new AuditLog(store.sql);
    const day = (hour: number) => `2025-03-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
    await audit.append(record({ at: day(8) }));
    await audit.append(
      record({
        at: day(9),
        actor: { id: 'usr_duc', name: 'duc.tran' },
        gateId: 'hai-phong-port',
        objectId: 'port-pier-2-1',
      }),
    );
    await audit.append(
      record({
        at: day(10),
        action: 'device.remove',
        outcome: 'denied',
        status: 403,
        actor: { id: 'usr_duc', name: 'duc.tran' },
      }),
    );
    await audit.append(
      record({
        at: day(11),
        action: 'user.create',
        objectType: 'user',
        objectId: 'hoa.pham',
        gateId: null,
        after: { username: 'hoa.pham' },
      }),
    );
    await audit.append(
      record({
        at: day(12),
        action: 'auth.login',
        objectType: 'user',
        objectId: 'nobody',
        gateId: null,
        actor: null,
        outcome: 'failed',
        status: 401,
      }),
    );
  });

  afterEach(async () => {
    await store?.dispose();
  });

  const actions = (entries: Array<{ action: string; id: number }>) =>
    entries.map((entry) => `${entry.id} ${entry.action}`);

  it('returns entries newest first in the API shape', async () => {
    const { entries, nextBefore } = await audit.search({});
    expect(actions(entries)).toEqual([
      '5 auth.login',
      '4 user.create',
      '3 device.remove',
      '2 device.create',
      '1 device.create',
    ]);
    expect(nextBefore).toBeNull();
    expect(entries[1]).toEqual({
      id: 4,
      at: '2025-03-01T11:00:00.000Z',
      actor: { id: 'usr_lan', name: 'lan.nguyen' },
      action: 'user.create',
      objectType: 'user',
      objectId: 'hoa.pham',
      gateId: null,
      outcome: 'ok',
      status: 201,
      before: null,
      after: { username: 'hoa.pham' },
    });
    expect(entries[0]?.actor).toBeNull();
  });

  it('filters by user (id or name), gate, object, action, outcome and time range', async () => {
    const ids = async (query: Parameters<AuditLog['search']>[0]) =>
      (await audit.search(query)).entries.map((entry) => entry.id);
    expect(await ids({ user: 'duc.tran' })).toEqual([3, 2]);
    expect(await ids({ user: 'usr_duc' })).toEqual([3, 2]);
    expect(await ids({ gate: 'hai-phong-port' })).toEqual([2]);
    expect(await ids({ objectType: 'user' })).toEqual([5, 4]);
    expect(await ids({ objectType: 'device', objectId: 'cat-bi-arrivals-1' })).toEqual([3, 1]);
    expect(await ids({ action: 'device.create' })).toEqual([2, 1]);
    expect(await ids({ outcome: 'denied' })).toEqual([3]);
    expect(await ids({ since: '2025-03-01T09:00:00.000Z', until: '2025-03-01T11:00:00.000Z' })).toEqual([
      4, 3, 2,
    ]);
    // Hai Phong time: 16:30 +07:00 is 09:30 UTC.
    expect(await ids({ since: '2025-03-01T16:30:00+07:00' })).toEqual([5, 4, 3]);
    expect(await ids({ user: 'duc.tran', outcome: 'ok' })).toEqual([2]);
  });

  it('shows a reader scoped to gates only the entries of those gates', async () => {
    const ids = async (gates: 'all' | string[]) =>
      (await audit.search({ gates })).entries.map((entry) => entry.id);
    expect(await ids(['cat-bi-airport'])).toEqual([3, 1]);
    expect(await ids(['cat-bi-airport', 'hai-phong-port'])).toEqual([3, 2, 1]);
    expect(await ids([])).toEqual([]);
    expect(await ids('all')).toHaveLength(5);
  });

  it('pages with a cursor until the last page', async () => {
    const first = await audit.search({ limit: 2 });
    expect(actions(first.entries)).toEqual(['5 auth.login', '4 user.create']);
    expect(first.nextBefore).toBe(4);
    const second = await audit.search({ limit: 2, before: first.nextBefore as number });
    expect(second.entries.map((entry) => entry.id)).toEqual([3, 2]);
    const last = await audit.search({ limit: 2, before: second.nextBefore as number });
    expect(last).toMatchObject({ entries: [{ id: 1 }], nextBefore: null });
  });

  it('is append-only: UPDATE and DELETE fail in the database itself', async () => {
    await expect(store.sql.run(sql`UPDATE audit_log SET outcome = 'ok' WHERE id = 3`)).rejects.toThrow(
      /audit_log is append-only/,
    );
    await expect(store.sql.run(sql`DELETE FROM audit_log WHERE id = 1`)).rejects.toThrow(/append-only/);
    await expect(store.sql.run(sql`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    expect((await audit.search({ outcome: 'denied' })).entries).toHaveLength(1);
    expect((await audit.search({})).entries).toHaveLength(5);
  });

  it('keeps before/after short and free of secrets whatever it is handed', async () => {
    const id = await audit.append(
      record({
        after: { name: 'x'.repeat(1000), agentConfig: { secret: 'device-secret-123' }, token: 'gct_abc' },
      }),
    );
    const entry = (await audit.search({ before: id + 1, limit: 1 })).entries[0];
    expect(JSON.stringify(entry)).not.toMatch(/device-secret-123|gct_abc/);
    expect((entry?.after as { name: string }).name.length).toBeLessThanOrEqual(201);
  });
});
