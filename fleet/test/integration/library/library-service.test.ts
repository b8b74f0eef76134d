import { existsSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LibraryService } from '../../../src/library/library-service.js';
import { makeTempDir } from '../fleet/real-fleet.js';
import { missingStore, openTestStore, STORE_DIALECTS, type TestStore } from '../store/both-stores.js';
import { buildZip, ffmpegOrSkip } from './library-support.js';

const actor = { userId: 'u-editor', username: 'lan.editor' };
const other = { userId: 'u-other', username: 'minh.editor' };
const PACKAGE = buildZip([{ name: 'index.html', data: Buffer.from('<p>Xin chào</p>') }]);

/** The library service on each store and real folders, with a clock the test moves. */
describe.runIf(ffmpegOrSkip())('LibraryService', () => {
  describe.each(STORE_DIALECTS)('on %s', (dialect) => {
    let dir: string;
    let opened: TestStore | undefined;
    let now: Date;
    let library: LibraryService | undefined;

    beforeEach(async ({ skip }) => {
      if (missingStore(dialect)) skip();
      dir = makeTempDir();
      opened = await openTestStore(dialect);
      now = new Date('2026-11-26T08:00:00Z');
      library = new LibraryService({
        sql: opened.sql,
        dataDir: dir,
        now: () => now,
        uploadTtlMs: 60 * 60 * 1000,
      });
      await lib().start();
    });

    afterEach(async () => {
      library?.stop();
      await opened?.dispose();
      library = undefined;
      opened = undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const body = (bytes: Buffer) => Readable.from([bytes]);
    const lib = (): LibraryService => library as LibraryService;

    async function store(name = 'kiosk.zip', bytes = PACKAGE) {
      const upload = await lib().createUpload({
        name,
        sizeBytes: bytes.length,
        declaredType: null,
        declaredSha256: null,
        actor,
      });
      const { media } = await lib().append(upload.id, 0, body(bytes), actor);
      if (!media) throw new Error('not stored');
      return media;
    }

    it('refuses to delete media that content uses, naming the users, and deletes it once unused', async () => {
      const media = await store();
      const users = new Map([[media.sha256, ['item welcome-kiosk (approved r2)']]]);
      lib().setUsedBy(async (sha) => users.get(sha) ?? []);
      await expect(lib().remove(media.sha256)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('item welcome-kiosk (approved r2)'),
      });
      expect((await lib().get(media.sha256))?.name).toBe('kiosk.zip');
      users.clear();
      await lib().remove(media.sha256);
      expect(await lib().get(media.sha256)).toBeUndefined();
      expect(existsSync(join(dir, 'media', media.sha256))).toBe(false);
    });

    it('implements the MediaReader contract for content', async () => {
      const media = await store();
      expect(await lib().get(media.sha256)).toEqual({
        sha256: media.sha256,
        name: 'kiosk.zip',
        kind: 'html-package',
        contentType: 'application/zip',
        sizeBytes: PACKAGE.length,
        probe: null,
        warnings: [],
        uploadedBy: 'lan.editor',
        uploadedAt: now.toISOString(),
      });
      expect(await lib().get('0'.repeat(64))).toBeUndefined();
    });

    it('expires an untouched upload with its bytes; touching it keeps it', async () => {
      const kept = await lib().createUpload({
        name: 'a.zip',
        sizeBytes: 100,
        declaredType: null,
        declaredSha256: null,
        actor,
      });
      const stale = await lib().createUpload({
        name: 'b.zip',
        sizeBytes: 100,
        declaredType: null,
        declaredSha256: null,
        actor,
      });
      now = new Date(now.getTime() + 50 * 60 * 1000);
      await lib().append(kept.id, 0, body(Buffer.alloc(10)), actor);
      now = new Date(now.getTime() + 20 * 60 * 1000);
      expect(await lib().expireUploads()).toBe(1);
      expect(existsSync(join(dir, 'uploads', stale.id))).toBe(false);
      await expect(lib().status(stale.id, actor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await lib().status(kept.id, actor)).offset).toBe(10);
    });

    it("keeps one user's upload from another", async () => {
      const upload = await lib().createUpload({
        name: 'a.zip',
        sizeBytes: 10,
        declaredType: null,
        declaredSha256: null,
        actor,
      });
      await expect(lib().status(upload.id, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(lib().append(upload.id, 0, body(Buffer.alloc(10)), other)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('refuses more bytes than announced and an upload beyond the size limit', async () => {
      const upload = await lib().createUpload({
        name: 'a.zip',
        sizeBytes: 10,
        declaredType: null,
        declaredSha256: null,
        actor,
      });
      await expect(lib().append(upload.id, 0, body(Buffer.alloc(11)), actor)).rejects.toMatchObject({
        code: 'MEDIA_TOO_LARGE',
      });
      expect((await lib().status(upload.id, actor)).offset).toBe(0);
      await expect(
        lib().createUpload({
          name: 'huge.mp4',
          sizeBytes: 64 * 1024 ** 3,
          declaredType: null,
          declaredSha256: null,
          actor,
        }),
      ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    // /dev/full answers every write with ENOSPC: a full disk without filling one.
    it.runIf(existsSync('/dev/full'))(
      'answers a full disk with DISK_FULL and keeps the upload for later',
      async () => {
        const upload = await lib().createUpload({
          name: 'big.zip',
          sizeBytes: 100,
          declaredType: null,
          declaredSha256: null,
          actor,
        });
        const part = join(dir, 'uploads', upload.id);
        unlinkSync(part);
        symlinkSync('/dev/full', part);
        await expect(lib().append(upload.id, 0, body(Buffer.alloc(50)), actor)).rejects.toMatchObject({
          code: 'DISK_FULL',
          message: expect.stringContaining('the part received so far is kept'),
        });
        expect((await lib().status(upload.id, actor)).state).toBe('receiving');
      },
    );
  });
});
