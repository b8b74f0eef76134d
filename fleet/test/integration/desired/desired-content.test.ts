import { desiredSchema, type DesiredDocument, type ScheduleEntry } from '@gatecast/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnnouncementSource } from '../../../src/announcements/announcement-source.js';
import { ContentRepo } from '../../../src/content/content-repo.js';
import type { ItemSpec, Work } from '../../../src/content/content-specs.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { DevicesRepo } from '../../../src/devices/devices-repo.js';
import { GatesRepo } from '../../../src/gates/gates-repo.js';
import type { LibraryMedia } from '../../../src/library/media-catalog.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { openTempStore, silentLogger } from '../store/temp-store.js';

const SHA = 'e'.repeat(64);
const at = '2026-11-26T08:00:00.000Z';

/** The desired service over the content tables: what refreshMany publishes, and to whom. */
describe('DesiredService with content and announcements', () => {
  let store: ReturnType<typeof openTempStore>;
  let devices: DevicesRepo;
  let repo: ContentRepo;
  let published: DesiredDocument[];
  let announcements: ScheduleEntry[];
  let baseUrl: string | undefined;
  let desired: DesiredService;
  /** While set, publishes wait for it: a slow broker, to interleave two refresh rounds. */
  let hold: Promise<void> | null;

  beforeEach(async () => {
    store = openTempStore();
    const gates = new GatesRepo(store.sql);
    devices = new DevicesRepo(store.sql);
    repo = new ContentRepo(store.sql);
    await seedGates(gates);
    published = [];
    hold = null;
    announcements = [];
    baseUrl = 'http://fleet.example:8080';
    const media: LibraryMedia = {
      sha256: SHA,
      name: 'cat-bi-airport.png',
      kind: 'image',
      contentType: 'image/png',
      sizeBytes: 4321,
      probe: null,
      warnings: [],
      uploadedBy: 'u-1',
      uploadedAt: at,
    };
    const source: AnnouncementSource = {
      entriesFor: async (device) => (device.gateId === 'cat-bi-airport' ? announcements : []),
    };
    desired = new DesiredService({
      sql: store.sql,
      devices,
      gates,
      broker: {
        publishToDevice: async (_id, _kind, payload) => {
          if (hold) await hold;
          published.push(desiredSchema.parse(payload));
        },
        clearRetained: async () => undefined,
      },
      log: silentLogger(),
      announcements: source,
      media: {
        get: async (sha256) => (sha256 === SHA ? media : undefined),
        getMany: async (sha256s) => new Map(sha256s.includes(SHA) ? [[SHA, media]] : []),
      },
      mediaBaseUrl: () => baseUrl,
      webAllowList: async () => ['https://www.haiphong.gov.vn'],
    });
    await enrol(devices, 'cat-bi-arr-01');
    await enrol(devices, 'port-term-01', { gateId: 'hai-phong-port', zoneId: 'terminal' });
  });
  afterEach(() => store.close());

  const work = (id: string, type: Work['type'], spec: unknown): Work =>
    ({
      id,
      type,
      gateId: null,
      name: id,
      spec,
      state: 'published',
      revision: 1,
      authorId: 'u-1',
      reviewerId: 'u-2',
      reviewComment: 'ok',
      createdAt: at,
      updatedAt: at,
    }) as Work;

  /** A published item in a published playlist on a published fleet-wide schedule. */
  async function publish(spec: ItemSpec): Promise<void> {
    await repo.insert(work('i-1', 'item', spec));
    await repo.insert(work('p-1', 'playlist', { entries: [{ itemId: 'i-1' }] }));
    await repo.insert(
      work('s-1', 'schedule', {
        playlistId: 'p-1',
        zone: 'main',
        layer: 'official',
        windows: [],
        targets: { gates: [], zones: [], tags: [], devices: [] },
      }),
    );
  }

  const items = async (deviceId: string) =>
    ((await desired.latest(deviceId))?.content.schedule ?? []).flatMap((entry) => entry.items);

  it('refreshes only the listed screens, and publishes only documents that changed', async () => {
    await desired.refreshMany(['cat-bi-arr-01', 'port-term-01']);
    expect(published.map((document) => [document.deviceId, document.version])).toEqual([
      ['cat-bi-arr-01', 1],
      ['port-term-01', 1],
    ]);
    await publish({ kind: 'text', body: { vi: 'Xin chào' } });
    await desired.refreshMany(['cat-bi-arr-01', 'ghost-01']);
    await desired.refreshMany(['cat-bi-arr-01']);
    expect(published.map((document) => [document.deviceId, document.version])).toEqual([
      ['cat-bi-arr-01', 1],
      ['port-term-01', 1],
      ['cat-bi-arr-01', 2],
    ]);
    expect(await items('port-term-01')).toEqual([]);
  });

  it('gives media items the fleet address screens reach, and leaves them out while it is unknown', async () => {
    await publish({ kind: 'image', sha256: SHA, durationSec: 12 });
    baseUrl = undefined;
    await desired.refresh('cat-bi-arr-01');
    expect(await items('cat-bi-arr-01')).toEqual([]);
    baseUrl = 'http://fleet.example:8080';
    await desired.refresh('cat-bi-arr-01');
    expect(await items('cat-bi-arr-01')).toEqual([
      {
        kind: 'image',
        id: 'i-1',
        url: `http://fleet.example:8080/api/v1/device/media/${SHA}`,
        sha256: SHA,
        sizeBytes: 4321,
        durationSec: 12,
      },
    ]);
  });

  it('leaves out a web page the gate no longer allows', async () => {
    await publish({ kind: 'web', url: 'https://www.haiphong.gov.vn/tin-tuc' });
    await desired.refresh('cat-bi-arr-01');
    expect(await items('cat-bi-arr-01')).toMatchObject([
      { kind: 'web', url: 'https://www.haiphong.gov.vn/tin-tuc' },
    ]);
    store.db
      .prepare(
        "UPDATE content_work SET spec = json_set(spec, '$.url', 'https://example.com/') WHERE id = 'i-1'",
      )
      .run();
    await desired.refresh('cat-bi-arr-01');
    expect(await items('cat-bi-arr-01')).toEqual([]);
  });

  it('puts announcement entries first in the documents of the screens they target', async () => {
    await publish({ kind: 'text', body: { vi: 'Xin chào' } });
    announcements = [
      {
        id: 'ann-1',
        layer: 'announcement',
        zone: 'main',
        notBefore: at,
        notAfter: '2026-11-26T09:00:00.000Z',
        items: [{ kind: 'text', id: 'ann-1', body: { vi: 'Thông báo khẩn' }, durationSec: 15 }],
      },
    ];
    await desired.refreshAll();
    expect((await desired.latest('cat-bi-arr-01'))?.content.schedule.map((entry) => entry.id)).toEqual([
      'ann-1',
      's-1',
    ]);
    expect((await desired.latest('port-term-01'))?.content.schedule.map((entry) => entry.id)).toEqual([
      's-1',
    ]);
    announcements = [];
    await desired.refreshMany(['cat-bi-arr-01']);
    expect((await desired.latest('cat-bi-arr-01'))?.content.schedule.map((entry) => entry.id)).toEqual([
      's-1',
    ]);
  });

  it('composes a preview document without storing or publishing it', async () => {
    await desired.refresh('cat-bi-arr-01');
    const count = published.length;
    await publish({ kind: 'text', body: { vi: 'Xin chào' } });
    const preview = await desired.compose('cat-bi-arr-01');
    expect(preview.content.schedule.map((entry) => entry.id)).toEqual(['s-1']);
    expect((await desired.latest('cat-bi-arr-01'))?.content.schedule).toEqual([]);
    expect(published).toHaveLength(count);
  });

  it('runs refresh rounds one after another, so a round that read older content never stores last', async () => {
    await desired.refreshAll();
    let release = () => undefined as void;
    hold = new Promise((resolve) => (release = resolve));
    // Round 1 reads the content (none yet) and waits on the broker with the airport screen...
    store.db.prepare("UPDATE devices SET name = 'Arrivals wall' WHERE id = 'cat-bi-arr-01'").run();
    const first = desired.refreshMany(['cat-bi-arr-01', 'port-term-01']);
    // ...while work for every screen is published and round 2 is asked for the port's screen.
    await publish({ kind: 'text', body: { vi: 'Xin chào' } });
    const second = desired.refreshMany(['port-term-01']);
    release();
    hold = null;
    await Promise.all([first, second]);
    expect((await items('port-term-01')).map((item) => item.id)).toEqual(['i-1']);
    const port = published.filter((document) => document.deviceId === 'port-term-01');
    expect(port[port.length - 1]?.content.schedule.map((entry) => entry.id)).toEqual(['s-1']);
  });
});
