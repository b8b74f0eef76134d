import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { runCli } from '../../../src/cli/program.js';
import { uploadFile } from '../../../src/library/upload-client.js';
import { makeTempDir, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { buildZip, ffmpegOrSkip, makePng } from './library-support.js';

describe.runIf(ffmpegOrSkip())('gatecast media and gates web-allow (CLI against a real fleet)', () => {
  let fleet: RealFleet;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fleet = await startRealFleet();
    dir = makeTempDir();
    env = {
      GATECAST_URL: `http://127.0.0.1:${fleet.running.httpPort}`,
      GATECAST_TOKEN: fleet.token,
      HOME: dir,
    };
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await fleet?.close();
  });

  function io(): CliIo & { out: () => string; err: () => string } {
    const out: string[] = [];
    const err: string[] = [];
    return {
      env,
      cwd: dir,
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      out: () => out.join(''),
      err: () => err.join(''),
    };
  }

  it('uploads with a progress line, lists, shows, saves a thumbnail and deletes', async () => {
    makePng(join(dir, 'ha-long.png'), 'green');
    const upload = io();
    expect(await runCli(['media', 'upload', 'ha-long.png', '--name', 'Vịnh Hạ Long'], upload)).toBe(0);
    expect(upload.err()).toMatch(/100% .* of .*MB\/s {2}ETA \d+s/);
    const [, sha] = /as ([0-9a-f]{64}) \(image, /.exec(upload.out()) ?? [];
    expect(sha).toBeDefined();

    const list = io();
    expect(await runCli(['media', 'list'], list)).toBe(0);
    const lines = list.out().trim().split('\n');
    expect(lines[0]).toMatch(/^SHA256\s+NAME\s+KIND\s+SIZE\s+RESOLUTION\s+DURATION\s+WARNINGS$/);
    expect(
      lines.some((line) => line.startsWith((sha as string).slice(0, 12)) && line.includes('640×360')),
    ).toBe(true);

    const json = io();
    expect(await runCli(['media', 'list', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toEqual([expect.objectContaining({ sha256: sha, name: 'Vịnh Hạ Long' })]);

    const show = io();
    expect(await runCli(['media', 'show', sha as string], show)).toBe(0);
    expect(show.out()).toMatch(/^kind\s+image \(image\/png\)$/m);
    expect(show.out()).toMatch(/^used by\s+-$/m);

    const thumbnail = io();
    expect(await runCli(['media', 'thumbnail', sha as string, '--out', 'thumb.jpg'], thumbnail)).toBe(0);
    expect([...readFileSync(join(dir, 'thumb.jpg')).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    const removed = io();
    expect(await runCli(['media', 'rm', sha as string], removed)).toBe(0);
    const gone = io();
    expect(await runCli(['media', 'show', sha as string], gone)).toBe(1);
    expect(gone.err()).toMatch(/^gatecast: NOT_FOUND: no media/);
  });

  it('prints a refusal as one line with its reason', async () => {
    writeFileSync(join(dir, 'fake.mp4'), randomBytes(20_000));
    const run = io();
    expect(await runCli(['media', 'upload', 'fake.mp4'], run)).toBe(1);
    expect(run.err()).toMatch(/gatecast: CONTENT_REFUSED: fake\.mp4 was refused: it claims to be a video/);
    expect(run.err()).not.toMatch(/\n\s+at /);
  });

  it('resumes by itself after a cut, from the offset HEAD reports, sending only the rest', async () => {
    const path = join(dir, 'big-package.zip');
    writeFileSync(
      path,
      buildZip([
        { name: 'index.html', data: Buffer.from('<p>x</p>') },
        { name: 'a.bin', data: randomBytes(20_000_000) },
      ]),
    );
    let request: ClientRequest | null = null;
    let cut = false;
    const retries: string[] = [];
    let sent = 0;
    let sentBeforeResume = -1;
    const outcome = await uploadFile({
      target: { url: env.GATECAST_URL as string, token: fleet.token },
      path,
      retryDelaysMs: [0],
      onPatch: (patch, from) => {
        request = patch;
        if (from > 0) sentBeforeResume = sent;
      },
      onRetry: (_attempt, _delay, reason) => retries.push(reason),
      onProgress: ({ offset, total, sentThisRun }) => {
        sent = sentThisRun;
        if (!cut && offset >= total / 2) {
          cut = true;
          (request as ClientRequest | null)?.socket?.destroy();
        }
      },
    });
    expect(retries).toHaveLength(1);
    expect(outcome.patchOffsets).toHaveLength(2);
    const [first, resumed] = outcome.patchOffsets as [number, number];
    expect(first).toBe(0);
    expect(resumed).toBeGreaterThan(0);
    const size = readFileSync(path).length;
    expect(resumed).toBeLessThan(size);
    // What reached the fleet before the cut was not sent again: the resume sent exactly the rest.
    expect(sent - sentBeforeResume).toBe(size - resumed);
    const media = await fleet.api('GET', `/api/v1/library/media/${outcome.sha256}`);
    expect(media.body.media.sizeBytes).toBe(size);
  });

  it('adds to, removes from and lists a gate web allow-list', async () => {
    expect(
      (await fleet.api('POST', '/api/v1/gates', { id: 'hai-phong-port', name: 'Port of Hai Phong' })).status,
    ).toBe(201);
    const add = io();
    expect(
      await runCli(
        ['gates', 'web-allow', 'hai-phong-port', '--add', 'https://www.haiphong.gov.vn/', 'https://*.gov.vn'],
        add,
      ),
    ).toBe(0);
    expect(add.out()).toMatch(/ALLOWED\nhttps:\/\/www\.haiphong\.gov\.vn\nhttps:\/\/\*\.gov\.vn\n/);
    const remove = io();
    expect(
      await runCli(
        ['gates', 'web-allow', 'hai-phong-port', '--remove', 'https://*.gov.vn', '--json'],
        remove,
      ),
    ).toBe(0);
    expect(JSON.parse(remove.out())).toEqual({
      gateId: 'hai-phong-port',
      allowList: ['https://www.haiphong.gov.vn'],
    });
    const bad = io();
    expect(await runCli(['gates', 'web-allow', 'hai-phong-port', '--add', 'ftp://x.vn'], bad)).toBe(1);
    expect(bad.err()).toMatch(/^gatecast: BAD_REQUEST: web allow-list entry "ftp:\/\/x\.vn"/);
  });
});
