import type { LibraryMediaKind } from './media-catalog.js';

/** What the first bytes of a file say it is; the name and declared type are never trusted. */
export interface SniffedType {
  kind: LibraryMediaKind;
  contentType: string;
  /** The container family, for messages: png, jpeg, webp, gif, svg, mp4, webm, zip. */
  format: string;
}

const startsWith = (head: Buffer, bytes: readonly number[], at = 0) =>
  bytes.every((byte, index) => head[at + index] === byte);
const ascii = (head: Buffer, at: number, length: number) => head.subarray(at, at + length).toString('latin1');

/**
 * Identifies a file by its magic bytes (give it at least the first 4 KiB). Null for anything the
 * screens do not show: the caller refuses it. SVG has no magic number: it is recognised as XML
 * text whose root element is <svg>.
 */
export function sniffType(head: Buffer): SniffedType | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'image', contentType: 'image/png', format: 'png' };
  if (startsWith(head, [0xff, 0xd8, 0xff]))
    return { kind: 'image', contentType: 'image/jpeg', format: 'jpeg' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP')
    return { kind: 'image', contentType: 'image/webp', format: 'webp' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')
    return { kind: 'image', contentType: 'image/gif', format: 'gif' };
  if (ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (brand === 'qt  ') return { kind: 'video', contentType: 'video/quicktime', format: 'mov' };
    // HEIF/AVIF stills share the ISO container but are images the player does not show.
    if (/^(heic|heix|mif1|msf1|avif|avis)$/.test(brand)) return null;
    return { kind: 'video', contentType: 'video/mp4', format: 'mp4' };
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: the DocType says webm or matroska within the first bytes.
    const text = head.subarray(0, 64).toString('latin1');
    return text.includes('webm')
      ? { kind: 'video', contentType: 'video/webm', format: 'webm' }
      : { kind: 'video', contentType: 'video/x-matroska', format: 'mkv' };
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return { kind: 'html-package', contentType: 'application/zip', format: 'zip' };
  if (looksLikeSvg(head)) return { kind: 'image', contentType: 'image/svg+xml', format: 'svg' };
  return null;
}

function looksLikeSvg(head: Buffer): boolean {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Skip the XML declaration, comments, processing instructions and a doctype before the root.
  const prolog = /^\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*/i;
  const rest = text.replace(prolog, '');
  return /^<svg[\s>/]/i.test(rest);
}

/** True when a name or declared type claims the file is a video. */
export function claimsVideo(name: string, declaredType: string | null): boolean {
  if (declaredType?.toLowerCase().startsWith('video/')) return true;
  return /\.(mp4|m4v|mov|webm|mkv|avi|wmv|mpe?g|ts|flv|3gp)$/i.test(name);
}
