import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '@gatecast/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUploadMetadata } from '../../../src/library/upload-metadata.js';
import { uploadFile, UploadRefused } from '../../../src/library/upload-client.js';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { openDatabase } from '../../../src/store/database.js';
import type { Grant } from '../../../src/users/permissions.js';
import { SessionStore } from '../../../src/users/sessions.js';
import { UserAdmin } from '../../../src/users/user-admin.js';
import { UsersRepo } from '../../../src/users/users-repo.js';
import { makeTempDir, recordingLog, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { sqlOf } from '../store/temp-store.js';
import { buildZip, ffmpegOrSkip, makePng, makeVideo } from './library-support.js';

const INDEX = { name: 'index.html', data: Buffer.from('<!doctype html><p>Xin chào</p>') };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.runIf(ffmpegOrSkip())('the media library over HTTP (real fleet, ffprobe, ffmpeg)', () => {
  let fleet: RealFleet;
  let dir: string;
  let base: string;

  const upload = async (name: string, bytes: Buffer) => {
    const path = join(dir, `${randomBytes(4).toString('hex')}-${name}`);
    writeFileSync(path, bytes);
    return uploadFile({ target: { url: base, token: fleet.token }, path, name, retryDelaysMs: [] });
  };
  const refusal = async (name: string, bytes: Buffer): Promise<UploadRefused> => {
    const error = await upload(name, bytes).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UploadRefused);
    return error as UploadRefused;
  };
  const tus = (method: string, url: string, headers: Record<string, string> = {}, body?: Buffer) =>
    fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${fleet.token}`, 'tus-resumable': '1.0.0', ...headers },
      body,
    });

  beforeAll(async () => {
    fleet = await startRealFleet();
    base = `http://127.0.0.1:${fleet.running.httpPort}`;
    dir = makeTempDir();
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await fleet?.close();
  });

  it('stores a picture under its sha256 with a probe and a thumbnail; the same bytes again are the same media', async () => {
    const path = join(dir, 'red.png');
    makePng(path);
    const bytes = readFileSync(path);
    const first = await upload('hoa-phuong.png', bytes);
    expect(first.sha256).toBe(sha256(bytes));
    const shown = await fleet.api('GET', `/api/v1/library/media/${first.sha256}`);
    expect(shown.status).toBe(200);
    expect(shown.body.media).toMatchObject({
      kind: 'image',
      contentType: 'image/png',
      sizeBytes: bytes.length,
      name: 'hoa-phuong.png',
      probe: { width: 640, height: 360, codec: 'png' },
      warnings: [],
    });
    expect(shown.body.usedBy).toEqual([]);
    const thumbnail = await fetch(`${base}${shown.body.media.thumbnailUrl}`, {
      headers: { authorization: `Bearer ${fleet.token}` },
    });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    expect([...new Uint8Array(await thumbnail.arrayBuffer()).slice(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    const again = await upload('same-picture-again.png', bytes);
    expect(again.sha256).toBe(first.sha256);
    expect(again.uploadUrl).not.toBe(first.uploadUrl);
    const list = await fleet.api('GET', '/api/v1/library/media');
    expect(list.body.media.filter((media: { sha256: string }) => media.sha256 === first.sha256)).toHaveLength(
      1,
    );
  });

  it('probes a video and warns that 4K HEVC will not play smoothly on a Pi 3', async () => {
    const path = join(dir, 'port-4k.mp4');
    makeVideo(path, { codec: 'libx265', width: 3840, height: 2160, frames: 2 });
    const { sha256: sha } = await upload('port-4k.mp4', readFileSync(path));
    const { body } = await fleet.api('GET', `/api/v1/library/media/${sha}`);
    expect(body.media).toMatchObject({
      kind: 'video',
      contentType: 'video/mp4',
      probe: { codec: 'hevc', width: 3840, height: 2160, frameRate: 25 },
    });
    expect(body.media.warnings).toEqual([
      expect.stringMatching(/HEVC 3840×2160.*will not play smoothly on a Pi 3/),
    ]);
    expect(body.media.thumbnailUrl).not.toBeNull();
  });

  it('refuses a video no screen model plays: 8K H.264', async () => {
    const path = join(dir, 'eight-k.mp4');
    makeVideo(path, { codec: 'libx264', width: 7680, height: 4320, frames: 1 });
    const error = await refusal('eight-k.mp4', readFileSync(path));
    expect(error.code).toBe('CONTENT_REFUSED');
    expect(error.message).toMatch(/will not play on any screen model/);
  });

  describe('refuses, with a clear reason', () => {
    it('a file that claims to be a video but is not', async () => {
      const random = await refusal('welcome.mp4', randomBytes(50_000));
      expect(random.status).toBe(422);
      expect(random.message).toMatch(
        /welcome\.mp4 was refused: it claims to be a video but its bytes are no video format/,
      );
      const png = join(dir, 'picture.png');
      makePng(png, 'blue');
      const renamed = await refusal('arrivals.webm', readFileSync(png));
      expect(renamed.message).toMatch(/claims to be a video but its bytes are a png image/);
      // The same bytes as a stored picture do not become a video by their name either.
      makePng(png, 'red');
      const known = await refusal('arrivals-again.mp4', readFileSync(png));
      expect(known.message).toMatch(/claims to be a video but its bytes are image\/png/);
      // An MP4 header with nothing playable behind it: ffprobe disagrees.
      const header = Buffer.concat([
        Buffer.from([0, 0, 0, 0x18]),
        Buffer.from('ftypisom'),
        randomBytes(40_000),
      ]);
      const hollow = await refusal('hollow.mp4', header);
      expect(hollow.message).toMatch(/ffprobe finds no playable video stream/);
    });

    it.each([
      [
        'a <script> element',
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        /<script>/,
      ],
      [
        'an onload handler',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        /event handler/,
      ],
      [
        'a javascript: link',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
        /javascript: URL/,
      ],
      [
        'a foreignObject',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        /foreignObject/,
      ],
      [
        'an external image',
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/t.png"/></svg>',
        /external resource/,
      ],
    ])('an SVG carrying %s', async (_what, svg, reason) => {
      const error = await refusal('logo.svg', Buffer.from(`<?xml version="1.0"?>\n${svg}`));
      expect(error.code).toBe('CONTENT_REFUSED');
      expect(error.message).toMatch(/unsafe SVG/);
      expect(error.message).toMatch(reason);
    });

    it.each([
      [
        'a zip-slip entry',
        [INDEX, { name: '../../etc/cron.d/evil', data: Buffer.from('x') }],
        /climbs out of the package/,
      ],
      ['an absolute path', [INDEX, { name: '/etc/passwd', data: Buffer.from('x') }], /absolute path/],
      ['a backslash path', [INDEX, { name: '..\\evil.js', data: Buffer.from('x') }], /backslash/],
      [
        'a symbolic link',
        [INDEX, { name: 'link', data: Buffer.from('/etc/shadow'), unixMode: 0o120777 }],
        /symbolic link/,
      ],
      ['no index.html', [{ name: 'page.html', data: Buffer.from('<p>x</p>') }], /no index\.html/],
      [
        'a declared size of a zip bomb',
        [INDEX, { name: 'big.bin', data: Buffer.alloc(2000), declaredSize: 4_000_000_000 }],
        /zip bomb/,
      ],
    ])('an HTML package with %s', async (_what, entries, reason) => {
      const error = await refusal('kiosk.zip', buildZip(entries));
      expect(error.code).toBe('CONTENT_REFUSED');
      expect(error.message).toMatch(/unsafe HTML package/);
      expect(error.message).toMatch(reason);
    });

    it('anything that is not an image, a video or an HTML package', async () => {
      const error = await refusal('notes.txt', Buffer.from('just some text'));
      expect(error.message).toMatch(/is not an image .* a video .* or an HTML package/);
    });

    it('bytes that do not match the declared sha256, with MEDIA_INVALID', async () => {
      const bytes = buildZip([INDEX]);
      const created = await tus('POST', '/api/v1/library/uploads', {
        'upload-length': String(bytes.length),
        'upload-metadata': formatUploadMetadata({ filename: 'kiosk.zip', sha256: 'a'.repeat(64) }),
      });
      expect(created.status).toBe(201);
      const location = created.headers.get('location') as string;
      const patch = await tus(
        'PATCH',
        location,
        { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
        bytes,
      );
      expect(patch.status).toBe(422);
      expect(((await patch.json()) as { error: { code: string } }).error.code).toBe('MEDIA_INVALID');
    });
  });

  it('accepts a clean SVG and a safe HTML package', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect fill="#c00" width="10" height="10"/></svg>';
    const image = await upload('flag.svg', Buffer.from(svg));
    const pkg = await upload(
      'kiosk.zip',
      buildZip([INDEX, { name: 'css/site.css', data: Buffer.from('p{}') }]),
    );
    const kinds = await Promise.all(
      [image.sha256, pkg.sha256].map(
        async (sha) => (await fleet.api('GET', `/api/v1/library/media/${sha}`)).body.media,
      ),
    );
    expect(kinds.map((media) => [media.kind, media.contentType])).toEqual([
      ['image', 'image/svg+xml'],
      ['html-package', 'application/zip'],
    ]);
    expect(kinds[1].thumbnailUrl).toBeNull();
  });

  it('answers a chunk at the wrong offset with UPLOAD_OFFSET_MISMATCH, and a fresh start after a restart resumes', async () => {
    const bytes = buildZip([INDEX, { name: 'data.bin', data: randomBytes(300_000) }]);
    const created = await tus('POST', '/api/v1/library/uploads', {
      'upload-length': String(bytes.length),
      'upload-metadata': formatUploadMetadata({ filename: 'resume.zip' }),
    });
    const location = created.headers.get('location') as string;
    const octets = { 'content-type': 'application/offset+octet-stream' };
    const half = 150_000;
    const firstHalf = await tus(
      'PATCH',
      location,
      { ...octets, 'upload-offset': '0' },
      bytes.subarray(0, half),
    );
    expect(firstHalf.status).toBe(204);
    expect(firstHalf.headers.get('upload-offset')).toBe(String(half));

    const wrong = await tus('PATCH', location, { ...octets, 'upload-offset': '1000' }, bytes.subarray(1000));
    expect(wrong.status).toBe(409);
    const body = (await wrong.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UPLOAD_OFFSET_MISMATCH');
    expect(body.error.message).toContain(`resume from ${half}`);

    // The fleet restarts: the part on disk and the row survive; the hash is rebuilt from the part.
    await fleet.restart();
    base = `http://127.0.0.1:${fleet.running.httpPort}`;
    const head = await tus('HEAD', location);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(half));
    const rest = await tus(
      'PATCH',
      location,
      { ...octets, 'upload-offset': String(half) },
      bytes.subarray(half),
    );
    expect(rest.status).toBe(204);
    expect(rest.headers.get('gatecast-media-sha256')).toBe(sha256(bytes));
  });

  it('serves library files to screens with Range and ETag: 200, 206, 304 and 416', async () => {
    expect((await fleet.api('POST', '/api/v1/gates', { id: 'cat-bi-airport', name: 'Cat Bi' })).status).toBe(
      201,
    );
    const zone = { id: 'arrivals-hall', name: 'Arrivals hall' };
    expect((await fleet.api('POST', '/api/v1/gates/cat-bi-airport/zones', zone)).status).toBe(201);
    const enrolled = await fleet.api('POST', '/api/v1/devices', {
      id: 'cat-bi-arrivals-01',
      name: 'Arrivals 1',
      gateId: 'cat-bi-airport',
      zoneId: zone.id,
    });
    const agent = enrolled.body.agentConfig as AgentConfig;
    const bytes = buildZip([INDEX, { name: 'data.bin', data: randomBytes(10_000) }]);
    const { sha256: sha } = await upload('served.zip', bytes);
    const url = `${base}/api/v1/device/media/${sha}`;
    const auth = {
      authorization: `Basic ${Buffer.from(`${agent.deviceId}:${agent.secret}`).toString('base64')}`,
    };

    const whole = await fetch(url, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${sha}"`);
    expect(whole.headers.get('content-type')).toBe('application/zip');
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha);

    const part = await fetch(url, { headers: { ...auth, range: 'bytes=100-199', 'if-range': `"${sha}"` } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));

    const cached = await fetch(url, { headers: { ...auth, 'if-none-match': `"${sha}"` } });
    expect(cached.status).toBe(304);

    const past = await fetch(url, { headers: { ...auth, range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    const userToken = await fetch(url, { headers: { authorization: `Bearer ${fleet.token}` } });
    expect(userToken.status).toBe(401);
  });

  it('deletes media, audited, and keeps a per-gate web allow-list', async () => {
    const { sha256: sha } = await upload(
      'old.zip',
      buildZip([INDEX, { name: 'x.txt', data: randomBytes(64) }]),
    );
    expect((await fleet.api('DELETE', `/api/v1/library/media/${sha}`)).status).toBe(204);
    expect((await fleet.api('GET', `/api/v1/library/media/${sha}`)).status).toBe(404);
    const audit = await fleet.api('GET', `/api/v1/audit?action=media.delete`);
    expect(JSON.stringify(audit.body)).toContain(sha);

    const put = await fleet.api('PUT', '/api/v1/gates/cat-bi-airport/web-allow-list', {
      allowList: ['HTTPS://www.haiphong.gov.vn/', 'https://*.vietnamtourism.gov.vn'],
    });
    expect(put.status).toBe(200);
    expect(put.body.allowList).toEqual(['https://www.haiphong.gov.vn', 'https://*.vietnamtourism.gov.vn']);
    const got = await fleet.api('GET', '/api/v1/gates/cat-bi-airport/web-allow-list');
    expect(got.body).toEqual({ gateId: 'cat-bi-airport', allowList: put.body.allowList });
    const bad = await fleet.api('PUT', '/api/v1/gates/cat-bi-airport/web-allow-list', {
      allowList: ['javascript:alert(1)'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/web allow-list entry "javascript:alert\(1\)"/);
    expect((await fleet.api('GET', '/api/v1/gates/nowhere/web-allow-list')).status).toBe(404);
  });

  it('lets only content writers upload, content readers read, and uploaders or fleet-wide writers delete', async () => {
    // A second connection to the running fleet's database, as `gatecast users` on the machine would.
    const db = openDatabase(fleet.dataDir, recordingLog().log);
    const users = new UsersRepo(sqlOf(db));
    const tokens = new ApiTokens(sqlOf(db));
    const admin = new UserAdmin({ users, sessions: new SessionStore(sqlOf(db)) });
    const addUser = async (username: string, grants: Grant[]) => {
      const { user } = await admin.create({
        username,
        displayName: username,
        grants,
        password: 'correct horse battery',
      });
      return (await tokens.create(`${username} test`, user.id)).token;
    };
    const technician = await addUser('tech-hung', [{ role: 'technician', gateId: null }]);
    const viewer = await addUser('viewer-lan', [{ role: 'viewer', gateId: null }]);
    const editor = await addUser('editor-minh', [{ role: 'editor', gateId: 'cat-bi-airport' }]);
    const otherEditor = await addUser('editor-thu', [{ role: 'editor', gateId: 'cat-bi-airport' }]);
    db.close();
    const as = (token: string, method: string, url: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...headers },
      });
    const create = (token: string) =>
      as(token, 'POST', '/api/v1/library/uploads', {
        'upload-length': '10',
        'upload-metadata': formatUploadMetadata({ filename: 'x.zip' }),
      });

    expect((await as(technician, 'GET', '/api/v1/library/media')).status).toBe(403);
    expect((await as(viewer, 'GET', '/api/v1/library/media')).status).toBe(200);
    const refused = await create(viewer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /content\.write/,
    );

    // An editor at one gate may upload to the fleet-wide library; the upload is theirs alone.
    const created = await create(editor);
    expect(created.status).toBe(201);
    const location = created.headers.get('location') as string;
    expect((await as(otherEditor, 'HEAD', location)).status).toBe(404);
    expect((await as(editor, 'HEAD', location)).headers.get('upload-offset')).toBe('0');

    const path = join(dir, 'editor.zip');
    writeFileSync(path, buildZip([INDEX, { name: 'e.txt', data: randomBytes(32) }]));
    const { sha256: own } = await uploadFile({
      target: { url: base, token: editor },
      path,
      retryDelaysMs: [],
    });
    const { sha256: admins } = await upload(
      'admins.zip',
      buildZip([INDEX, { name: 'a.txt', data: randomBytes(32) }]),
    );
    expect((await as(otherEditor, 'DELETE', `/api/v1/library/media/${own}`)).status).toBe(403);
    expect((await as(editor, 'DELETE', `/api/v1/library/media/${admins}`)).status).toBe(403);
    expect((await as(editor, 'DELETE', `/api/v1/library/media/${own}`)).status).toBe(204);

    const put = await fetch(`${base}/api/v1/gates/cat-bi-airport/web-allow-list`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${editor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allowList: ['https://evil.example'] }),
    });
    expect(put.status).toBe(403);
    const denied = await fleet.api('GET', '/api/v1/audit?outcome=denied');
    expect(JSON.stringify(denied.body)).toContain('media.upload-start');
  });
});
