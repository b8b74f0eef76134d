import { open, readFile } from 'node:fs/promises';
import { GatecastError } from '@gatecast/protocol';
import { playability } from './device-profiles.js';
import type { LibraryMediaKind, MediaProbe } from './media-catalog.js';
import { probeMedia, type MediaTools } from './media-probe.js';
import { claimsVideo, sniffType } from './sniff-type.js';
import { svgProblem } from './svg-check.js';
import { packageProblem, readZipEntries } from './zip-check.js';

/** What a complete upload turned out to be once checked; the caller stores it. */
export interface IntakeResult {
  kind: LibraryMediaKind;
  contentType: string;
  probe: MediaProbe | null;
  warnings: string[];
}

const HEAD_BYTES = 4096;
const MAX_SVG_BYTES = 5 * 1024 * 1024;

function refuse(name: string, why: string): GatecastError {
  return new GatecastError('CONTENT_REFUSED', `${name} was refused: ${why}`);
}

/**
 * Checks a complete file before it joins the library. Its kind comes from its bytes, never from
 * its name: anything that is not an image, a playable video or a safe HTML package is refused
 * with CONTENT_REFUSED and the reason. UNAVAILABLE when ffprobe is missing for a video.
 */
export async function inspectUpload(
  file: { path: string; name: string; declaredType: string | null; sizeBytes: number },
  tools: MediaTools,
): Promise<IntakeResult> {
  const handle = await open(file.path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, file.sizeBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
    const sniffed = sniffType(head);
    const wantsVideo = claimsVideo(file.name, file.declaredType);
    if (wantsVideo && sniffed?.kind !== 'video') {
      throw refuse(
        file.name,
        `it claims to be a video but its bytes are ${sniffed ? `a ${sniffed.format} ${sniffed.kind}` : 'no video format'}`,
      );
    }
    if (!sniffed) {
      throw refuse(
        file.name,
        'it is not an image (PNG, JPEG, WebP, GIF, SVG), a video (MP4, WebM) or an HTML package (zip)',
      );
    }
    if (sniffed.format === 'zip') {
      let problem: string | null;
      try {
        problem = packageProblem(await readZipEntries(handle, file.sizeBytes));
      } catch (error) {
        problem = (error as Error).message;
      }
      if (problem) throw refuse(file.name, `unsafe HTML package: ${problem}`);
      return { kind: 'html-package', contentType: sniffed.contentType, probe: null, warnings: [] };
    }
    if (sniffed.format === 'svg') {
      if (file.sizeBytes > MAX_SVG_BYTES)
        throw refuse(file.name, `an SVG may be at most ${MAX_SVG_BYTES} bytes`);
      const problem = svgProblem(await readFile(file.path, 'utf8'));
      if (problem) throw refuse(file.name, `unsafe SVG: ${problem}`);
      return {
        kind: 'image',
        contentType: sniffed.contentType,
        probe: await probeMedia(file.path, tools),
        warnings: [],
      };
    }
  } finally {
    await handle.close();
  }
  const sniffed = sniffType(head);
  if (sniffed?.kind === 'image') {
    return {
      kind: 'image',
      contentType: sniffed.contentType,
      probe: await probeMedia(file.path, tools),
      warnings: [],
    };
  }
  // A video: ffprobe must find a video stream in it, and some screen model must play it.
  const probe = await probeMedia(file.path, tools);
  if (!probe || probe.width === null || probe.height === null) {
    throw refuse(
      file.name,
      `it claims to be a video (${sniffed?.format}) but ffprobe finds no playable video stream in it`,
    );
  }
  const verdict = playability(probe);
  if (verdict.refusal) throw refuse(file.name, verdict.refusal);
  return {
    kind: 'video',
    contentType: sniffed?.contentType ?? 'video/mp4',
    probe,
    warnings: verdict.warnings,
  };
}
