import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { INITIAL_SCAN_STATE, scanChunk, type FrameScanState } from '../../../src/broker/frame-scanner.js';

const LIMIT = 4096;

/** A 1–4 byte MQTT remaining length. */
function encodeLength(length: number): number[] {
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return bytes;
}

function frame(type: number, bodyLength: number, flags = 0): Buffer {
  return Buffer.concat([
    Buffer.from([(type << 4) | flags, ...encodeLength(bodyLength)]),
    Buffer.alloc(bodyLength, 0x61),
  ]);
}

const CONNECT = 1;
const PUBLISH = 3;
const PINGREQ = 12;
const DISCONNECT = 14;

function scanAll(chunks: Uint8Array[], limit = LIMIT): ReturnType<typeof scanChunk> {
  let state: FrameScanState = INITIAL_SCAN_STATE;
  let result: ReturnType<typeof scanChunk> = { ok: true, state };
  for (const chunk of chunks) {
    result = scanChunk(state, chunk, limit);
    if (!result.ok) return result;
    state = result.state;
  }
  return result;
}

function splitEvery(buffer: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) parts.push(buffer.subarray(i, i + size));
  return parts;
}

describe('frame scanner', () => {
  it('accepts a real CONNECT, PUBLISH, PINGREQ and DISCONNECT and ends at a frame boundary', () => {
    const connect = mqttPacket.generate({
      cmd: 'connect',
      clientId: 'gate-a-screen-01',
      username: 'gate-a-screen-01',
      password: Buffer.from('secret'),
      keepalive: 30,
      protocolVersion: 4,
    });
    const publish = mqttPacket.generate({
      cmd: 'publish',
      topic: 'gatecast/v1/devices/gate-a-screen-01/status',
      payload: Buffer.from('{"state":"online"}'),
      qos: 1,
      messageId: 7,
      retain: true,
      dup: false,
    });
    const rest = Buffer.concat([
      mqttPacket.generate({ cmd: 'pingreq' }),
      mqttPacket.generate({ cmd: 'disconnect' }),
    ]);
    const result = scanAll([connect, publish, rest]);
    expect(result.ok).toBe(true);
    expect(result.state.phase).toBe('type');
    expect(result.state.connectSeen).toBe(true);
    expect(result.state.disconnectSeen).toBe(true);
  });

  it.each([1, 2, 3, 4])('decodes %i-byte remaining lengths', (bytes) => {
    const lengths = { 1: 127, 2: 16_383, 3: 2_097_151, 4: 3_000_000 } as const;
    const length = lengths[bytes as 1 | 2 | 3 | 4];
    expect(encodeLength(length)).toHaveLength(bytes);
    const header = Buffer.from([CONNECT << 4, ...encodeLength(length)]);
    const result = scanChunk(INITIAL_SCAN_STATE, header, 10_000_000);
    expect(result).toMatchObject({ ok: true, state: { phase: 'body', bodyLeft: length } });
  });

  it('gives the same verdict however the stream is split, headers included', () => {
    const stream = Buffer.concat([frame(CONNECT, 300), frame(PUBLISH, 200, 2), frame(PINGREQ, 0)]);
    for (const size of [1, 2, 3, 5, 7, 64, stream.length]) {
      const result = scanAll(splitEvery(stream, size));
      expect(result.ok).toBe(true);
      expect(result.state.phase).toBe('type');
    }
  });

  it('closes at the header of a CONNECT claiming 250 MB, whatever follows', () => {
    const header = Buffer.from([CONNECT << 4, ...encodeLength(250 * 1024 * 1024)]);
    expect(encodeLength(250 * 1024 * 1024)).toHaveLength(4);
    const result = scanChunk(INITIAL_SCAN_STATE, header, LIMIT);
    expect(result).toMatchObject({
      ok: false,
      reason: `frame declares ${1 + 4 + 250 * 1024 * 1024} bytes, limit 4096`,
    });
  });

  it('closes as soon as the length bytes read so far already exceed the limit', () => {
    // 0xff 0xff = at least 16383 + more to come: no need to wait for the third byte.
    const result = scanChunk(INITIAL_SCAN_STATE, Buffer.from([CONNECT << 4, 0xff, 0xff]), LIMIT);
    expect(result.ok).toBe(false);
  });

  it('accepts a frame of exactly the limit and refuses one byte more', () => {
    const body = LIMIT - 1 - encodeLength(LIMIT).length;
    expect(scanAll([frame(CONNECT, body)]).ok).toBe(true);
    expect(scanAll([frame(CONNECT, body + 1)]).ok).toBe(false);
  });

  it('applies a larger limit after authentication, per call', () => {
    const afterConnect = scanAll([frame(CONNECT, 10)]).state;
    const big = frame(PUBLISH, 100_000);
    expect(scanChunk(afterConnect, big, LIMIT).ok).toBe(false);
    expect(scanChunk(afterConnect, big, 512 * 1024).ok).toBe(true);
  });

  it('refuses a remaining length of more than 4 bytes', () => {
    const result = scanChunk(
      INITIAL_SCAN_STATE,
      Buffer.from([CONNECT << 4, 0x80, 0x80, 0x80, 0x80, 0x01]),
      2 ** 31,
    );
    expect(result).toMatchObject({ ok: false, reason: 'malformed remaining length (more than 4 bytes)' });
  });

  it('refuses a stream that does not open with CONNECT', () => {
    expect(scanAll([frame(PUBLISH, 10)])).toMatchObject({
      ok: false,
      reason: 'first packet is type 3, not CONNECT',
    });
    expect(scanAll([Buffer.from('GET / HTTP/1.1\r\n')]).ok).toBe(false);
  });

  it('refuses a second CONNECT and the reserved packet types', () => {
    expect(scanAll([frame(CONNECT, 10), frame(CONNECT, 10)])).toMatchObject({
      ok: false,
      reason: 'second CONNECT on one connection',
    });
    expect(scanAll([frame(CONNECT, 10), frame(0, 0)]).ok).toBe(false);
    expect(scanAll([frame(CONNECT, 10), frame(15, 0)]).ok).toBe(false);
  });

  it('does not mutate the state it is given', () => {
    const before = { ...INITIAL_SCAN_STATE };
    scanChunk(INITIAL_SCAN_STATE, frame(CONNECT, 5), LIMIT);
    expect(INITIAL_SCAN_STATE).toEqual(before);
  });

  it('never lets a declared frame over the limit pass, for any split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 97 }),
        (bodies, splitSize) => {
          const frames = bodies.map((body, index) => frame(index === 0 ? CONNECT : PUBLISH, body));
          const stream = Buffer.concat(frames);
          const tooBig = frames.some((f) => f.length > LIMIT);
          const result = scanAll(splitEvery(stream, splitSize));
          expect(result.ok).toBe(!tooBig);
        },
      ),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it('flags DISCONNECT only once its header is complete', () => {
    const afterConnect = scanAll([frame(CONNECT, 3)]).state;
    const half = scanChunk(afterConnect, Buffer.from([DISCONNECT << 4]), LIMIT);
    expect(half.state.disconnectSeen).toBe(false);
    const whole = scanChunk(half.state, Buffer.from([0]), LIMIT);
    expect(whole.state.disconnectSeen).toBe(true);
  });
});
