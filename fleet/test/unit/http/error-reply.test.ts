import { GatecastError } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { describeValidation, toErrorReply } from '../../../src/http/error-reply.js';

describe('toErrorReply', () => {
  it('answers a GatecastError with its code and catalogue status', () => {
    expect(toErrorReply(new GatecastError('COMMAND_TIMEOUT', 'no answer in 5000 ms'))).toEqual({
      status: 504,
      body: { error: { code: 'COMMAND_TIMEOUT', message: 'no answer in 5000 ms' } },
      internal: false,
    });
    expect(toErrorReply(new GatecastError('DEVICE_OFFLINE')).status).toBe(409);
  });

  it('reveals nothing of an unexpected error', () => {
    const error = new Error('SQLITE_CORRUPT at /srv/gatecast/data secret=abc');
    const reply = toErrorReply(error);
    expect(reply).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'Unexpected server error.' } },
      internal: true,
    });
  });

  it("maps fastify's own client errors onto the catalogue", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(toErrorReply(tooLarge).body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(toErrorReply(tooLarge).status).toBe(413);
    const badJson = Object.assign(new Error('Body is not valid JSON'), { statusCode: 400 });
    expect(toErrorReply(badJson).body.error).toEqual({
      code: 'BAD_REQUEST',
      message: 'Body is not valid JSON',
    });
  });
});

describe('describeValidation', () => {
  it('names each field with its place in the request', () => {
    const text = describeValidation(
      [
        { instancePath: '/gateId', message: 'must be 3-64 characters' },
        { instancePath: '/tags/2', message: 'must be lowercase' },
        { instancePath: '/', message: 'Unrecognized key: "gateid"' },
      ],
      'body',
    );
    expect(text).toBe(
      'body.gateId: must be 3-64 characters; body.tags[2]: must be lowercase; body: Unrecognized key: "gateid"',
    );
  });

  it('cuts a long list short', () => {
    const issues = Array.from({ length: 8 }, (_, index) => ({ instancePath: `/f${index}`, message: 'bad' }));
    expect(describeValidation(issues, 'querystring')).toMatch(/querystring\.f4: bad; and 3 more$/);
  });
});
