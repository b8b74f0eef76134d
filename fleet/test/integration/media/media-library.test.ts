import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_MEDIA_DIR, loadMediaLibrary } from '../../../src/media/media-library.js';

const silent = pino({ level: 'silent' });

describe('loadMediaLibrary', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatecast-media-library-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('addresses each media file by the sha256 of its bytes, with its size and type', async () => {
    const png = Buffer.from('not really a png, but bytes to hash');
    await writeFile(join(dir, 'ferry.png'), png);
    const library = await loadMediaLibrary(dir, silent);
    const sha256 = createHash('sha256').update(png).digest('hex');
    expect(library.get(sha256)).toEqual({
      sha256,
      name: 'ferry.png',
      path: join(dir, 'ferry.png'),
      sizeBytes: png.length,
      contentType: 'image/png',
    });
    expect(library.byName('ferry.png')?.sha256).toBe(sha256);
  });

  it('leaves out what the player cannot show and anything that is not a plain file', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, 'make.js'), '// script');
    await mkdir(join(dir, 'folder.png'));
    expect((await loadMediaLibrary(dir, silent)).list()).toEqual([]);
  });

  it('is empty, not a failed start, when the folder is missing', async () => {
    const library = await loadMediaLibrary(join(dir, 'missing'), silent);
    expect(library.list()).toEqual([]);
  });

  it('finds the committed demo media: three pictures and one video', async () => {
    const names = (await loadMediaLibrary(DEMO_MEDIA_DIR, silent)).list().map((file) => file.name);
    expect(names.sort()).toEqual([
      'cat-bi-airport.png',
      'hai-phong-port-pan.webm',
      'hai-phong-port.png',
      'hoa-phuong.png',
    ]);
  });
});
