import { execFile } from 'node:child_process';
import { GatecastError } from '@gatecast/protocol';
import type { MediaProbe } from './media-catalog.js';

/** The probing tools; Debian's ffmpeg package brings both. Tests may point them elsewhere. */
export interface MediaTools {
  ffprobe: string;
  ffmpeg: string;
}

export const DEFAULT_MEDIA_TOOLS: MediaTools = { ffprobe: 'ffprobe', ffmpeg: 'ffmpeg' };

const TIMEOUT_MS = 120_000;

interface ProbeJson {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    bit_rate?: string;
    duration?: string;
  }>;
  format?: { duration?: string; bit_rate?: string; format_name?: string };
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(
          new GatecastError(
            'UNAVAILABLE',
            `${command} is not installed on the fleet manager (apt-get install ffmpeg)`,
          ),
        );
      }
      reject(new Error(stderr.trim().split('\n').slice(-1)[0] || error.message));
    });
  });
}

function number(text: string | undefined): number | null {
  if (text === undefined || text === 'N/A') return null;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : null;
}

function rate(text: string | undefined): number | null {
  if (!text) return null;
  const [num = '', den = '1'] = text.split('/');
  const value = Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) / 1000 : null;
}

/**
 * What ffprobe finds in a file: its first video stream, or null when it has none (ffprobe
 * cannot read it, or it holds only audio). UNAVAILABLE when ffprobe is not installed.
 */
export async function probeMedia(
  path: string,
  tools: MediaTools = DEFAULT_MEDIA_TOOLS,
): Promise<MediaProbe | null> {
  let json: ProbeJson;
  try {
    json = JSON.parse(
      await run(tools.ffprobe, [
        '-v',
        'error',
        '-print_format',
        'json',
        '-show_format',
        '-show_streams',
        path,
      ]),
    ) as ProbeJson;
  } catch (error) {
    if (error instanceof GatecastError) throw error;
    return null;
  }
  const video = json.streams?.find((stream) => stream.codec_type === 'video');
  if (!video) return null;
  return {
    durationSec: number(video.duration) ?? number(json.format?.duration),
    width: video.width ?? null,
    height: video.height ?? null,
    codec: video.codec_name ?? null,
    frameRate: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
    bitRate: number(video.bit_rate) ?? number(json.format?.bit_rate),
  };
}

/**
 * A small JPEG (at most 320 px wide) of the picture, from 1 s in for a longer video. False when
 * ffmpeg could not make one: a thumbnail is a convenience, its absence refuses nothing.
 */
export async function makeThumbnail(
  input: { path: string; durationSec: number | null },
  output: string,
  tools: MediaTools = DEFAULT_MEDIA_TOOLS,
): Promise<boolean> {
  const seek = input.durationSec !== null && input.durationSec > 2 ? ['-ss', '1'] : [];
  try {
    await run(tools.ffmpeg, [
      '-v', 'error', '-y', ...seek, '-i', input.path,
      '-frames:v', '1', '-vf', "scale='min(320,iw)':-2", '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', output,
    ]); // prettier-ignore
    return true;
  } catch (error) {
    if (error instanceof GatecastError) throw error;
    return false;
  }
}
