import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetClient } from '../../../src/fleet-http/fleet-client.js';

const log = pino({ level: 'silent' });
const PNG = Buffer.from('89504e470d0a1a0a0000', 'hex');

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  type: string | undefined;
  body: Buffer;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// A real HTTP server in the fleet's place: what the client sends, and how it reads the answers.
describe('FleetClient', () => {
  let server: Server;
  let seen: Seen[];
  let answer: { status: number; body: unknown };
  let url: string;

  beforeEach(async () => {
    seen = [];
    answer = { status: 200, body: { screenshotId: '20261126T080000000Z-0a1b2c3d', bytes: PNG.length } };
    server = createServer(async (request, response) => {
      const body = await readBody(request);
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        type: request.headers['content-type'],
        body,
      });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (fleetUrl = url) =>
    new FleetClient({ fleetUrl, deviceId: 'cat-bi-arr-01', secret: 'the-secret:with-colon', log });

  it('uploads a PNG with the device id and secret as Basic credentials', async () => {
    const receipt = await client().uploadScreenshot(PNG);
    expect(receipt).toEqual({ screenshotId: '20261126T080000000Z-0a1b2c3d', bytes: PNG.length });
    const expected = `Basic ${Buffer.from('cat-bi-arr-01:the-secret:with-colon').toString('base64')}`;
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/v1/device/screenshots',
        authorization: expected,
        type: 'image/png',
        body: PNG,
      },
    ]);
  });

  it("turns the fleet's error answer into its catalogue code", async () => {
    answer = { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'too big' } } };
    await expect(client().uploadScreenshot(PNG)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'fleet refused the upload: too big',
    });
    answer = { status: 502, body: 'not json' };
    await expect(client().uploadScreenshot(PNG)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    answer = { status: 200, body: { nothing: true } };
    await expect(client().uploadScreenshot(PNG)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
  });

  it('is UNAVAILABLE when the fleet cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client(`http://127.0.0.1:${port}`).uploadScreenshot(PNG)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});
