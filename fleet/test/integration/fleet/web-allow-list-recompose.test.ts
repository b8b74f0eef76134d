import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { sqlOf } from '../store/temp-store.js';
import { startRealFleet, type RealFleet } from './real-fleet.js';

const GATE = 'cat-bi-airport';
const SCREEN = 'cat-bi-arrivals-01';
const CITY_SITE = 'https://www.haiphong.gov.vn/';

/** The web addresses a screen's stored desired document would show. */
async function webOnScreen(fleet: RealFleet): Promise<string[]> {
  const { body } = await fleet.api('GET', `/api/v1/devices/${SCREEN}`);
  const schedule = (body.device.desired?.content.schedule ?? []) as Array<{
    items: Array<{ kind: string; url?: string }>;
  }>;
  return schedule.flatMap((entry) =>
    entry.items.filter((item) => item.kind === 'web').map((item) => item.url!),
  );
}

describe("a gate's web allow-list, with the real fleet wiring", () => {
  let fleet: RealFleet;
  let approverToken: string;

  beforeAll(async () => {
    fleet = await startRealFleet();
    await fleet.api('POST', '/api/v1/gates', { id: GATE, name: 'Cat Bi International Airport' });
    await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, { id: 'arrivals-hall', name: 'Arrivals hall' });
    const enrolled = await fleet.api('POST', '/api/v1/devices', {
      id: SCREEN,
      name: 'Arrivals belt 1',
      gateId: GATE,
      zoneId: 'arrivals-hall',
    });
    expect(enrolled.status).toBe(201);
    // A second person, so the admin's web item can be approved by someone other than its author.
    const db = new Database(path.join(fleet.dataDir, 'gatecast.db'));
    try {
      const approver = await new UsersRepo(sqlOf(db)).create({
        username: 'minh.approver',
        displayName: 'Trần Văn Minh',
        passwordHash: 'unused',
        mustChangePassword: false,
        grants: [{ role: 'approver', gateId: GATE }],
      });
      approverToken = (await new ApiTokens(sqlOf(db)).create('approver-cli', approver.id)).token;
    } finally {
      db.close();
    }
  }, 30_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('takes a web page off the screens at once when the gate stops allowing it', async () => {
    const allow = await fleet.api('PUT', `/api/v1/gates/${GATE}/web-allow-list`, {
      allowList: ['https://www.haiphong.gov.vn'],
    });
    expect(allow.status).toBe(200);
    const item = await fleet.api('POST', '/api/v1/content/items', {
      gateId: GATE,
      name: 'City portal',
      spec: { kind: 'web', url: CITY_SITE, durationSec: 20 },
    });
    expect(item.status, item.text).toBe(201);
    const playlist = await fleet.api('POST', '/api/v1/content/playlists', {
      gateId: GATE,
      name: 'City',
      spec: { entries: [{ itemId: item.body.work.id }] },
    });
    const schedule = await fleet.api('POST', '/api/v1/content/schedules', {
      gateId: GATE,
      name: 'City all day',
      spec: {
        playlistId: playlist.body.work.id,
        zone: 'main',
        layer: 'operational',
        windows: [{ from: '00:00', to: '00:00' }],
        targets: { gates: [GATE] },
      },
    });
    expect(schedule.status, schedule.text).toBe(201);
    for (const work of [item, playlist, schedule]) {
      const id = work.body.work.id as string;
      expect((await fleet.api('POST', `/api/v1/content/${id}/submit`, {})).status).toBe(200);
      const approved = await fleet.api(
        'POST',
        `/api/v1/content/${id}/approve`,
        { comment: 'Checked with the city office' },
        approverToken,
      );
      expect(approved.status, approved.text).toBe(200);
      expect((await fleet.api('POST', `/api/v1/content/${id}/publish`, {})).status).toBe(200);
    }
    expect(await webOnScreen(fleet)).toEqual([CITY_SITE]);

    const emptied = await fleet.api('PUT', `/api/v1/gates/${GATE}/web-allow-list`, { allowList: [] });
    expect(emptied.status).toBe(200);
    expect(await webOnScreen(fleet)).toEqual([]);
  });
});
