import { deflateSync } from 'node:zlib';
import type { Frame } from '../../../src/display-check/frame.js';

/** A frame of one colour. */
export function solid(width: number, height: number, [r, g, b]: [number, number, number]): Frame {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i += 3) rgb.set([r, g, b], i);
  return { width, height, rgb };
}

/** A copy of `frame` with a rectangle painted in another colour (a caption, a logo, a moving bar). */
export function withBox(
  frame: Frame,
  box: { x: number; y: number; width: number; height: number },
  colour: [number, number, number],
): Frame {
  const rgb = frame.rgb.slice();
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) rgb.set(colour, (y * frame.width + x) * 3);
  }
  return { ...frame, rgb };
}

/** A gradient, so every PNG filter has something to predict. */
export function gradient(width: number, height: number): Frame {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      rgb.set([(x * 7) & 0xff, (y * 11) & 0xff, (x * y) & 0xff], (y * width + x) * 3);
  }
  return { width, height, rgb };
}

/** Encodes a PNG as Chromium may: RGB or RGBA, each row with the given filter (0-4). */
export function encodePng(frame: Frame, options: { alpha?: boolean; filters?: number[] } = {}): Buffer {
  const channels = options.alpha ? 4 : 3;
  const stride = frame.width * channels;
  const pixels = new Uint8Array(stride * frame.height);
  for (let i = 0, j = 0; i < frame.rgb.length; i += 3, j += channels) {
    pixels.set(frame.rgb.subarray(i, i + 3), j);
    if (options.alpha) pixels[j + 3] = 255;
  }
  const raw = Buffer.alloc((stride + 1) * frame.height);
  for (let y = 0; y < frame.height; y++) {
    const filters = options.filters ?? [0];
    const filter = filters[y % filters.length] ?? 0;
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0;
      const b = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0;
      raw[y * (stride + 1) + 1 + x] = ((pixels[y * stride + x] ?? 0) - predict(filter, a, b, c)) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(frame.width, 0);
  header.writeUInt32BE(frame.height, 4);
  header.set([8, options.alpha ? 6 : 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function predict(filter: number, a: number, b: number, c: number): number {
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  if (filter !== 4) return 0;
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** With a real CRC, so browsers (which check it) show the picture too. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** CRC-32 as PNG uses it (node:zlib has crc32 only from Node 22). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
