import { inflateSync } from 'node:zlib';

/** A small decoded capture: RGB triplets, row by row. */
export interface Frame {
  width: number;
  height: number;
  rgb: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A capture is 64×36; anything far larger is not ours and not worth inflating. */
const MAX_PIXELS = 1024 * 1024;

/**
 * Decodes the PNG Chromium produces for a capture: 8-bit RGB or RGBA, not interlaced. Anything
 * else throws; the caller treats that as a failed capture, never as a verdict on the screen.
 */
export function decodePng(png: Buffer): Frame {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let header: { width: number; height: number; channels: number } | null = null;
  const idat: Buffer[] = [];
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = readHeader(data);
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  if (!header) throw new Error('PNG without a header');
  const { width, height, channels } = header;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < height * (width * channels + 1)) throw new Error('PNG data is truncated');
  return { width, height, rgb: toRgb(unfilter(raw, width, height, channels), channels) };
}

function readHeader(data: Buffer): { width: number; height: number; channels: number } {
  const width = data.readUInt32BE(0);
  const height = data.readUInt32BE(4);
  const [depth, colorType, interlace] = [data[8], data[9], data[12]];
  if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
    throw new Error(`unsupported PNG: depth ${depth}, color type ${colorType}, interlace ${interlace}`);
  }
  if (width === 0 || height === 0 || width * height > MAX_PIXELS) throw new Error('PNG size out of range');
  return { width, height, channels: colorType === 6 ? 4 : 3 };
}

function unfilter(raw: Buffer, width: number, height: number, channels: number): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? 0;
    const line = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (out[y * stride + x - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] ?? 0) : 0;
      out[y * stride + x] = ((raw[line + x] ?? 0) + predict(filter, a, b, c)) & 0xff;
    }
  }
  return out;
}

function predict(filter: number, a: number, b: number, c: number): number {
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  if (filter !== 4) return 0;
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Alpha is dropped: the page is opaque on screen. */
function toRgb(pixels: Uint8Array, channels: number): Uint8Array {
  if (channels === 3) return pixels;
  const rgb = new Uint8Array((pixels.length / 4) * 3);
  for (let i = 0, j = 0; i < pixels.length; i += 4, j += 3) rgb.set(pixels.subarray(i, i + 3), j);
  return rgb;
}
