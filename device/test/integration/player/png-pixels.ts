import { inflateSync } from 'node:zlib';

/** Just enough PNG decoding to judge a screencast frame: 8-bit RGB or RGBA, not interlaced. */
export interface Pixels {
  width: number;
  height: number;
  /** RGB triplets, row by row. */
  rgb: Uint8Array;
}

export function decodePng(png: Buffer): Pixels {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colorType, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`unsupported PNG: depth ${depth}, color type ${colorType}, interlace ${interlace}`);
      }
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return { width, height, rgb: unfilter(raw, width, height, channels) };
}

function unfilter(raw: Buffer, width: number, height: number, channels: number): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? 0;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (out[y * stride + x - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] ?? 0) : 0;
      out[y * stride + x] = ((line[x] ?? 0) + predict(filter, a, b, c)) & 0xff;
    }
  }
  if (channels === 3) return out;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < out.length; i += 4, j += 3) rgb.set(out.subarray(i, i + 3), j);
  return rgb;
}

function predict(filter: number, a: number, b: number, c: number): number {
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  if (filter === 4) {
    const p = a + b - c;
    const pa = Math.abs(p - a);
    const pb = Math.abs(p - b);
    const pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
  return 0;
}

/** Standard deviation of luminance: a blank (uniform) frame is near 0, real content is far above. */
export function lumaSpread(pixels: Pixels): number {
  let sum = 0;
  let squares = 0;
  const count = pixels.width * pixels.height;
  for (let i = 0; i < pixels.rgb.length; i += 3) {
    const luma =
      0.299 * (pixels.rgb[i] ?? 0) + 0.587 * (pixels.rgb[i + 1] ?? 0) + 0.114 * (pixels.rgb[i + 2] ?? 0);
    sum += luma;
    squares += luma * luma;
  }
  const mean = sum / count;
  return Math.sqrt(Math.max(0, squares / count - mean * mean));
}

/** Mean absolute difference (0-255) between a frame and a picture scaled to it, on a coarse grid. */
export function differenceFrom(frame: Pixels, picture: Pixels): number {
  let total = 0;
  let count = 0;
  for (let gy = 0; gy < 18; gy++) {
    for (let gx = 0; gx < 32; gx++) {
      const fx = Math.floor(((gx + 0.5) / 32) * frame.width);
      const fy = Math.floor(((gy + 0.5) / 18) * frame.height);
      const px = Math.floor(((gx + 0.5) / 32) * picture.width);
      const py = Math.floor(((gy + 0.5) / 18) * picture.height);
      for (let c = 0; c < 3; c++) {
        const a = frame.rgb[(fy * frame.width + fx) * 3 + c] ?? 0;
        const b = picture.rgb[(py * picture.width + px) * 3 + c] ?? 0;
        total += Math.abs(a - b);
        count++;
      }
    }
  }
  return total / count;
}
