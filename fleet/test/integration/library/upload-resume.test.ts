import { createHash } from 'node:crypto';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile } from '../../../src/library/upload-client.js';
import { makeTempDir, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { ffmpegOrSkip, writeLargePackage } from './library-support.js';

const ONE_GB = 1_000_000_000;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Must show: a 1 GB upload cut in the middle resumes, sending only the rest. */
describe.runIf(ffmpegOrSkip())('a 1 GB upload cut in the middle', () => {
  let fleet: RealFleet;
  let dir: string;
  let file: string;
  let expectedSha: string;

  beforeAll(async () => {
    fleet = await startRealFleet();
    dir = makeTempDir();
    file = join(dir, 'hai-phong-kiosk.zip');
    expectedSha = await writeLargePackage(file, ONE_GB);
  }, 120_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await fleet?.close();
  });

  it('keeps the first half, reports it on HEAD, resumes from there and stores the right bytes', async () => {
    const size = statSync(file).size;
    const target = { url: `http://127.0.0.1:${fleet.running.httpPort}`, token: fleet.token };
    const stateFile = join(dir, 'uploads.json');

    // First run: the client's socket is destroyed once about half the file has been sent.
    let patch: ClientRequest | null = null;
    let cutAt = 0;
    const first = uploadFile({
      target,
      path: file,
      stateFile,
      retryDelaysMs: [],
      onPatch: (request) => (patch = request),
      onProgress: ({ offset }) => {
        if (cutAt === 0 && offset >= size / 2) {
          cutAt = offset;
          (patch as ClientRequest | null)?.socket?.destroy();
        }
      },
    });
    await expect(first).rejects.toThrow();
    expect(cutAt).toBeGreaterThanOrEqual(size / 2);

    // HEAD tells what the fleet stored: no more than was sent, and the partial file is exactly that long.
    const state = JSON.parse((await import('node:fs')).readFileSync(stateFile, 'utf8')) as Record<
      string,
      string
    >;
    const uploadUrl = Object.values(state)[0] as string;
    const head = await fetch(uploadUrl, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${fleet.token}`, 'tus-resumable': '1.0.0' },
    });
    expect(head.status).toBe(200);
    const stored = Number(head.headers.get('upload-offset'));
    expect(head.headers.get('upload-length')).toBe(String(size));
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(cutAt);
    expect(stored).toBeLessThan(size);
    const uploadId = uploadUrl.split('/').at(-1) as string;
    expect(statSync(join(fleet.dataDir, 'uploads', uploadId)).size).toBe(stored);

    // Second run of the same file: it finds the upload in its state file and sends only the rest.
    let sent = 0;
    const second = await uploadFile({
      target,
      path: file,
      stateFile,
      onProgress: ({ sentThisRun }) => (sent = sentThisRun),
    });
    expect(second.resumedFrom).toBe(stored);
    expect(second.patchOffsets).toEqual([stored]);
    expect(sent).toBe(size - stored);
    expect(second.sha256).toBe(expectedSha);

    // The stored file is the whole file, under its own hash; the partial is gone.
    const storedPath = join(fleet.dataDir, 'media', expectedSha);
    expect(statSync(storedPath).size).toBe(size);
    expect(await sha256Of(storedPath)).toBe(expectedSha);
    const media = await fleet.api('GET', `/api/v1/library/media/${expectedSha}`);
    expect(media.status).toBe(200);
    expect(media.body.media).toMatchObject({
      kind: 'html-package',
      sizeBytes: size,
      name: 'hai-phong-kiosk.zip',
    });
    expect(() => statSync(join(fleet.dataDir, 'uploads', uploadId))).toThrow();
  }, 300_000);
});
