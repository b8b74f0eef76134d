import { describe, expect, it } from 'vitest';
import { DEVICE_PROFILES, playability } from '../../../src/library/device-profiles.js';
import type { MediaProbe } from '../../../src/library/media-catalog.js';
import { claimsVideo, sniffType } from '../../../src/library/sniff-type.js';
import { svgProblem } from '../../../src/library/svg-check.js';
import { parseUploadMetadata, formatUploadMetadata } from '../../../src/library/upload-metadata.js';
import { packageProblem, type ZipEntry } from '../../../src/library/zip-check.js';

const bytes = (...parts: Array<number[] | string>) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );

describe('sniffType', () => {
  it.each([
    ['png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR'), 'image/png'],
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp'],
    ['gif', bytes('GIF89a'), 'image/gif'],
    ['mp4', bytes([0, 0, 0, 0x18], 'ftypisom'), 'video/mp4'],
    ['mov', bytes([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime'],
    ['webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'video/webm'],
    ['mkv', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'), 'video/x-matroska'],
    ['zip', bytes([0x50, 0x4b, 0x03, 0x04]), 'application/zip'],
    [
      'svg',
      Buffer.from(
        '\ufeff<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        'utf8',
      ),
      'image/svg+xml',
    ],
  ])('recognises %s by its bytes', (_format, head, contentType) => {
    expect(sniffType(head)?.contentType).toBe(contentType);
  });

  it.each([
    ['text', bytes('hello')],
    ['HTML', bytes('<!doctype html><html><svg></svg>')],
    ['a PDF', bytes('%PDF-1.7')],
    ['an ELF binary', bytes([0x7f], 'ELF')],
    ['a HEIF still', bytes([0, 0, 0, 0x18], 'ftypheic')],
    ['nothing', Buffer.alloc(0)],
  ])('knows %s is no media', (_what, head) => {
    expect(sniffType(head)).toBeNull();
  });

  it('takes a video/ type or a video extension as a claim to be a video', () => {
    expect(claimsVideo('welcome.MP4', null)).toBe(true);
    expect(claimsVideo('welcome', 'video/webm')).toBe(true);
    expect(claimsVideo('welcome.png', 'image/png')).toBe(false);
  });
});

describe('svgProblem', () => {
  const svg = (inner: string, attributes = '') =>
    `<svg xmlns="http://www.w3.org/2000/svg"${attributes}>${inner}</svg>`;

  it('accepts shapes, text, gradients, internal references and embedded raster pictures', () => {
    const clean = svg(
      '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>' +
        '<rect fill="url(#g)" width="10" height="10"/><use href="#g"/><text>Hải Phòng</text>' +
        '<image href="data:image/png;base64,iVBORw0KGgo="/>',
    );
    expect(svgProblem(clean)).toBeNull();
  });

  it.each([
    ['script', svg('<script>alert(1)</script>')],
    ['namespaced script', svg('<svg:script>alert(1)</svg:script>')],
    ['onload', svg('<rect/>', ' onload="alert(1)"')],
    ['ONCLICK', svg('<rect ONCLICK="x()"/>')],
    ['javascript: href', svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>')],
    ['spaced javascript:', svg('<a href="java&#x09;script:x">y</a>'.replace('&#x09;', ''))],
    ['foreignObject', svg('<foreignObject><iframe src="x"/></foreignObject>')],
    ['external image', svg('<image href="https://evil.example/x.png"/>')],
    ['external use', svg('<use xlink:href="other.svg#a"/>')],
    ['external style url', svg('<rect style="fill:url(https://evil.example/p)"/>')],
    ['@import', svg('<style>@import "https://evil.example/a.css";</style>')],
    ['entities', `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${svg('<text>&x;</text>')}`],
    ['HTML data URL', svg('<image href="data:text/html,<script>1</script>"/>')],
    ['SVG data URL', svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>')],
    ['animated href', svg('<a><set attributeName="href" to="javascript:alert(1)"/></a>')],
  ])('refuses %s', (_what, text) => {
    expect(svgProblem(text)).not.toBeNull();
  });
});

describe('packageProblem', () => {
  const entry = (name: string, extra: Partial<ZipEntry> = {}): ZipEntry => ({
    name,
    compressedSize: 100,
    uncompressedSize: 100,
    isSymlink: false,
    isDirectory: name.endsWith('/'),
    ...extra,
  });

  it('accepts a package with index.html, folders and assets', () => {
    expect(
      packageProblem([entry('index.html'), entry('css/'), entry('css/site.css'), entry('img/logo.png')]),
    ).toBeNull();
  });

  it.each([
    ['..', [entry('index.html'), entry('a/../../x')], /climbs out/],
    ['absolute', [entry('index.html'), entry('/etc/x')], /absolute path/],
    ['drive letter', [entry('index.html'), entry('C:/x')], /absolute path/],
    ['backslash', [entry('index.html'), entry('a\\..\\x')], /backslash/],
    ['symlink', [entry('index.html'), entry('l', { isSymlink: true })], /symbolic link/],
    ['no index', [entry('main.html')], /no index\.html/],
    ['index only in a folder', [entry('site/index.html')], /no index\.html/],
    [
      'bomb ratio',
      [entry('index.html'), entry('b', { compressedSize: 10_000, uncompressedSize: 900_000_000 })],
      /zip bomb/,
    ],
    [
      'too large unpacked',
      [
        entry('index.html'),
        ...Array.from({ length: 3 }, (_, i) =>
          entry(`f${i}`, { compressedSize: 400_000_000, uncompressedSize: 400_000_000 }),
        ),
      ],
      /unpacks to/,
    ],
  ])('refuses %s', (_what, entries, reason) => {
    expect(packageProblem(entries)).toMatch(reason);
  });
});

describe('device profiles', () => {
  const probe = (overrides: Partial<MediaProbe>): MediaProbe => ({
    durationSec: 10,
    width: 1920,
    height: 1080,
    codec: 'h264',
    frameRate: 25,
    bitRate: 8_000_000,
    ...overrides,
  });

  it('documents Pi 3, Pi 4 and Pi 5', () => {
    expect(DEVICE_PROFILES.map((profile) => profile.model)).toEqual(['Pi 3', 'Pi 4', 'Pi 5']);
  });

  it('plays 1080p25 H.264 everywhere without a warning', () => {
    expect(playability(probe({}))).toEqual({ refusal: null, warnings: [] });
  });

  it('warns that 4K HEVC will not play smoothly on a Pi 3', () => {
    const verdict = playability(probe({ codec: 'hevc', width: 3840, height: 2160 }));
    expect(verdict.refusal).toBeNull();
    expect(verdict.warnings).toEqual([
      'HEVC 3840×2160 at 25 fps will not play smoothly on a Pi 3: Pi 3 cannot decode HEVC',
    ]);
  });

  it('warns for 1080p60 H.264 on a Pi 3 only', () => {
    const verdict = playability(probe({ frameRate: 60 }));
    expect(verdict.warnings).toEqual([expect.stringContaining('on a Pi 3: too high a frame rate')]);
  });

  it.each([
    ['8K', probe({ codec: 'hevc', width: 7680, height: 4320 })],
    ['an unsupported codec', probe({ codec: 'prores' })],
    ['4K H.264', probe({ width: 3840, height: 2160 })],
    ['an absurd bit rate', probe({ bitRate: 400_000_000 })],
  ])('refuses %s: no model plays it', (_what, media) => {
    const verdict = playability(media);
    expect(verdict.refusal).toMatch(/will not play on any screen model/);
  });
});

describe('Upload-Metadata', () => {
  it('round-trips UTF-8 names and keys without values', () => {
    const header = formatUploadMetadata({ filename: 'Chào mừng.mp4', filetype: 'video/mp4' });
    expect(parseUploadMetadata(`${header},is_confidential`)).toEqual({
      filename: 'Chào mừng.mp4',
      filetype: 'video/mp4',
      is_confidential: '',
    });
  });

  it.each(['filename a b', 'file name', 'filename !!!'])('refuses the malformed pair "%s"', (pair) => {
    expect(() => parseUploadMetadata(`${pair} x`)).toThrow(/Upload-Metadata/);
  });
});
