import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReleaseKey } from '../../../src/releases/release-keys.js';
import { SCREEN, sha256, signedRelease, startReleasesApp, type ReleasesApp } from './releases-app.js';

/** Past the API's 1 MiB JSON body limit, so the upload must really stream. */
const SIZE = 3 * 1024 * 1024;

describe('releases over HTTP', () => {
  let t: ReleasesApp;
  const json = (body: unknown) => ({
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const octets = (bytes: Buffer) => ({
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  const codeOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;
  const publish = (token: string, body: unknown) => t.call(token, 'POST', '/api/v1/releases', json(body));
  const upload = (token: string, version: string, bytes: Buffer) =>
    t.call(token, 'PUT', `/api/v1/releases/${version}/artifact`, octets(bytes));

  beforeAll(async () => {
    t = await startReleasesApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('publishing', () => {
    const release = () => signedRelease('1.4.0', t.trusted, SIZE, { notes: 'Bản sửa lỗi phát video' });
    let built: ReturnType<typeof release>;

    beforeAll(() => {
      built = release();
    });

    it('accepts a manifest signed by a trusted key, then its artifact streamed past the JSON limit', async () => {
      const accepted = await publish(t.admin, built.signed);
      expect(accepted.status).toBe(201);
      expect(await accepted.json()).toMatchObject({
        version: '1.4.0',
        published: false,
        createdBy: 'minh.admin',
      });
      const early = await t.call(t.admin, 'GET', '/api/v1/releases/1.4.0/artifact');
      expect(early.status).toBe(404);

      const uploaded = await upload(t.admin, '1.4.0', built.bytes);
      expect(uploaded.status).toBe(200);
      expect(await uploaded.json()).toMatchObject({ published: true, publishedBy: 'minh.admin', size: SIZE });
      const stored = path.join(t.dataDir, 'releases', '1.4.0', 'gatecast-agent-1.4.0.tgz');
      expect(sha256(fs.readFileSync(stored))).toBe(built.signed.manifest.sha256);

      const shown = await (await t.call(t.technician, 'GET', '/api/v1/releases/1.4.0')).json();
      expect(shown).toMatchObject({
        manifest: built.signed.manifest,
        signature: built.signed.signature,
        published: true,
        sha256: built.signed.manifest.sha256,
      });
      const listed = (await (await t.call(t.technician, 'GET', '/api/v1/releases')).json()) as {
        releases: Array<{ version: string }>;
      };
      expect(listed.releases.map((r) => r.version)).toContain('1.4.0');
      const audited = (await t.core.audit.search({ objectType: 'release', objectId: '1.4.0' })).entries;
      expect(audited.map((e) => [e.action, e.outcome, e.actor?.name])).toEqual([
        ['release.upload', 'ok', 'minh.admin'],
        ['release.publish', 'ok', 'minh.admin'],
      ]);
    });

    it('refuses the same version twice, and a second upload of a published artifact', async () => {
      const again = await publish(t.admin, built.signed);
      expect(again.status).toBe(409);
      expect(await codeOf(again)).toBe('CONFLICT');
      const twice = await upload(t.admin, '1.4.0', built.bytes);
      expect(twice.status).toBe(409);
      expect(await codeOf(twice)).toBe('CONFLICT');
    });

    it('lets a technician read releases but publish nothing: publishing is fleet-wide admin work', async () => {
      const { signed, bytes } = signedRelease('1.4.1', t.trusted, 1000);
      const refused = await publish(t.technician, signed);
      expect(refused.status).toBe(403);
      expect(await codeOf(refused)).toBe('FORBIDDEN');
      expect((await publish(t.admin, signed)).status).toBe(201);
      expect((await upload(t.technician, '1.4.1', bytes)).status).toBe(403);
      expect((await t.call(t.admin, 'GET', '/api/v1/releases/1.4.1')).status).toBe(200);
    });
  });

  it('refuses an upload for a version without a manifest, or sent as something other than bytes', async () => {
    const unknown = await upload(t.admin, '8.8.8', Buffer.from('bytes'));
    expect(unknown.status).toBe(404);
    expect(await codeOf(unknown)).toBe('NOT_FOUND');
    const asText = await t.call(t.admin, 'PUT', '/api/v1/releases/1.4.0/artifact', {
      body: 'bytes',
      headers: { 'content-type': 'text/plain' },
    });
    expect(asText.status).toBe(400);
    expect(await asText.text()).toContain('content-type must be application/octet-stream');
  });

  describe('refusals, each with its code, leaving nothing behind', () => {
    const refusedWith = async (body: unknown, code: string, version: string) => {
      const answer = await publish(t.admin, body);
      expect(answer.status).toBe(422);
      expect(await codeOf(answer)).toBe(code);
      expect((await t.call(t.admin, 'GET', `/api/v1/releases/${version}`)).status).toBe(404);
    };

    it('an unsigned manifest: no signature, a null one, an empty one', async () => {
      const { signed } = signedRelease('2.0.0', t.trusted);
      await refusedWith({ manifest: signed.manifest }, 'UPDATE_UNSIGNED', '2.0.0');
      await refusedWith({ manifest: signed.manifest, signature: null }, 'UPDATE_UNSIGNED', '2.0.0');
      const empty = {
        manifest: signed.manifest,
        signature: { keyId: signed.signature.keyId, signature: '' },
      };
      await refusedWith(empty, 'UPDATE_UNSIGNED', '2.0.0');
    });

    it('a wrong signature: the manifest changed after signing, or a signature that is not one', async () => {
      const { signed } = signedRelease('2.0.1', t.trusted);
      const changed = { ...signed, manifest: { ...signed.manifest, size: signed.manifest.size + 1 } };
      await refusedWith(changed, 'UPDATE_BAD_SIGNATURE', '2.0.1');
      const garbled = { ...signed, signature: { ...signed.signature, signature: 'not base64 at all' } };
      await refusedWith(garbled, 'UPDATE_BAD_SIGNATURE', '2.0.1');
    });

    it('a manifest signed by a key the fleet does not trust', async () => {
      const { signed } = signedRelease('2.0.2', generateReleaseKey());
      await refusedWith(signed, 'UPDATE_UNKNOWN_KEY', '2.0.2');
    });

    it('a tampered artifact: other bytes, too few, too many; then the right ones are accepted', async () => {
      const { signed, bytes } = signedRelease('2.1.0', t.trusted, 100_000);
      expect((await publish(t.admin, signed)).status).toBe(201);
      const flipped = Buffer.from(bytes);
      flipped[50_000] = (flipped[50_000] ?? 0) ^ 0xff;
      const other = await upload(t.admin, '2.1.0', flipped);
      expect(other.status).toBe(422);
      expect(await codeOf(other)).toBe('UPDATE_TAMPERED');
      const short = await upload(t.admin, '2.1.0', bytes.subarray(0, 99_999));
      expect(await codeOf(short)).toBe('UPDATE_TAMPERED');
      const long = await upload(t.admin, '2.1.0', Buffer.concat([bytes, Buffer.from('x')]));
      expect(long.status).toBe(413);
      expect(await codeOf(long)).toBe('PAYLOAD_TOO_LARGE');
      expect((await t.call(t.admin, 'GET', '/api/v1/releases/2.1.0/artifact')).status).toBe(404);
      expect(fs.readdirSync(path.join(t.dataDir, 'releases', '2.1.0'))).toEqual([]);

      expect((await upload(t.admin, '2.1.0', bytes)).status).toBe(200);
      expect(fs.readdirSync(path.join(t.dataDir, 'releases', '2.1.0'))).toEqual(['gatecast-agent-2.1.0.tgz']);
    });
  });

  describe('serving with Range', () => {
    let bytes: Buffer;
    let etag: string;
    const artifact = (headers: Record<string, string>, auth = `Bearer ${t.admin}`) =>
      fetch(`${t.base}/api/v1/releases/3.0.0/artifact`, { headers: { authorization: auth, ...headers } });
    const body = async (response: Response) => Buffer.from(await response.arrayBuffer());

    beforeAll(async () => {
      const built = signedRelease('3.0.0', t.trusted, 300_000);
      bytes = built.bytes;
      etag = `"${built.signed.manifest.sha256}"`;
      expect((await publish(t.admin, built.signed)).status).toBe(201);
      expect((await upload(t.admin, '3.0.0', bytes)).status).toBe(200);
    });

    it('the whole artifact, with its sha256 as the ETag', async () => {
      const whole = await artifact({});
      expect(whole.status).toBe(200);
      expect(whole.headers.get('etag')).toBe(etag);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(whole.headers.get('content-length')).toBe('300000');
      expect(sha256(await body(whole))).toBe(sha256(bytes));
    });

    it('a middle range, an open-ended range, and an unsatisfiable one', async () => {
      const middle = await artifact({ range: 'bytes=1000-1999' });
      expect(middle.status).toBe(206);
      expect(middle.headers.get('content-range')).toBe('bytes 1000-1999/300000');
      expect(await body(middle)).toEqual(bytes.subarray(1000, 2000));
      const open = await artifact({ range: 'bytes=299000-' });
      expect(open.status).toBe(206);
      expect(open.headers.get('content-range')).toBe('bytes 299000-299999/300000');
      expect(await body(open)).toEqual(bytes.subarray(299_000));
      const past = await artifact({ range: 'bytes=300000-' });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe('bytes */300000');
    });

    it('a download cut short and resumed with If-Range joins to the signed sha256', async () => {
      const first = await artifact({ range: 'bytes=0-123455' });
      const head = await body(first);
      expect(head.length).toBe(123_456);
      const rest = await artifact({ range: `bytes=${head.length}-`, 'if-range': etag });
      expect(rest.status).toBe(206);
      expect(sha256(Buffer.concat([head, await body(rest)]))).toBe(sha256(bytes));
      // A stale If-Range (the artifact changed under the screen) gets the whole file instead.
      const stale = await artifact({ range: 'bytes=100-', 'if-range': '"0000"' });
      expect(stale.status).toBe(200);
    });

    it('serves screens under /api/v1/device/ with their own credentials, only the release assigned to them', async () => {
      const url = `${t.base}/api/v1/device/releases/3.0.0/artifact`;
      const unassigned = await fetch(url, { headers: { authorization: t.screenAuth } });
      expect(unassigned.status).toBe(403);
      t.assign(SCREEN, '3.0.0');
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${t.admin}` } })).status).toBe(401);
      const wrong = `Basic ${Buffer.from('cat-bi-arrivals-01:not-the-secret').toString('base64')}`;
      expect((await fetch(url, { headers: { authorization: wrong } })).status).toBe(401);
      const screen = await fetch(url, { headers: { authorization: t.screenAuth, range: 'bytes=10-19' } });
      expect(screen.status).toBe(206);
      expect(await body(screen)).toEqual(bytes.subarray(10, 20));
      expect((await artifact({}, t.screenAuth)).status).toBe(401);
      t.assign(SCREEN, '9.9.9');
      const unpublished = await fetch(`${t.base}/api/v1/device/releases/9.9.9/artifact`, {
        headers: { authorization: t.screenAuth },
      });
      expect(unpublished.status).toBe(404);
    });
  });
});
