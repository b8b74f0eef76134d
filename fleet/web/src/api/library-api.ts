import { Upload, type DetailedError } from 'tus-js-client';
import type { LibraryMediaView as MediaView } from '../../../src/library/media-catalog.js';
import type { ApiClient } from './client.js';

/** A media file as the fleet shows it: the fleet's own type. */
export type { LibraryMediaView as MediaView } from '../../../src/library/media-catalog.js';

export const UPLOADS_PATH = '/api/v1/library/uploads';

export async function listMedia(api: ApiClient): Promise<MediaView[]> {
  return (await api.get<{ media: MediaView[] }>('/api/v1/library/media')).media;
}

export async function getMedia(
  api: ApiClient,
  sha256: string,
): Promise<{ media: MediaView; usedBy: string[] }> {
  return api.get(`/api/v1/library/media/${encodeURIComponent(sha256)}`);
}

export async function deleteMedia(api: ApiClient, sha256: string): Promise<void> {
  await api.send('DELETE', `/api/v1/library/media/${encodeURIComponent(sha256)}`);
}

export interface UploadCallbacks {
  onProgress(sent: number, total: number): void;
  /** A cut connection: tus-js-client waits, asks the fleet where it stands and goes on from there. */
  onRetry(): void;
  onDone(sha256: string): void;
  onError(message: string): void;
}

/** Waits between retries after a cut; the user sees "reconnecting" meanwhile. */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

/**
 * Uploads a file with tus, streamed in one PATCH; after a network cut it resumes from the offset
 * the fleet reports, and after a page reload the same file resumes from where it stood
 * (fingerprints in localStorage). The CSRF token comes from the session, as for every change.
 */
export async function startUpload(
  api: ApiClient,
  file: File,
  callbacks: UploadCallbacks,
): Promise<() => void> {
  const { csrfToken } = await api.get<{ csrfToken: string }>('/api/v1/auth/session');
  let sha256: string | null = null;
  const upload = new Upload(file, {
    endpoint: UPLOADS_PATH,
    retryDelays: RETRY_DELAYS_MS,
    metadata: { filename: file.name, filetype: file.type },
    headers: { 'x-csrf-token': csrfToken },
    removeFingerprintOnSuccess: true,
    onProgress: (sent, total) => callbacks.onProgress(sent, total),
    onShouldRetry: (error, _attempt, options) => {
      const status = (error as DetailedError).originalResponse?.getStatus() ?? 0;
      // A refusal (4xx but a mismatched offset or throttling) is final; a cut is worth retrying.
      const retry = status === 0 || status === 409 || status === 429 || status >= 500;
      if (retry) callbacks.onRetry();
      return retry && (options.retryDelays?.length ?? 0) > 0;
    },
    onAfterResponse: (_request, response) => {
      const header = response.getHeader('Gatecast-Media-Sha256');
      if (header) sha256 = header;
    },
    onSuccess: () => {
      if (sha256) callbacks.onDone(sha256);
      else callbacks.onError('the fleet stored the file but did not name it');
    },
    onError: (error) => callbacks.onError(describeUploadError(error)),
  });
  const previous = await upload.findPreviousUploads();
  const latest = previous[0];
  if (latest) upload.resumeFromPreviousUpload(latest);
  upload.start();
  return () => void upload.abort();
}

/** The fleet's own reason ("… was refused: it claims to be a video …") rather than tus's wrapper text. */
function describeUploadError(error: Error): string {
  const body = (error as DetailedError).originalResponse?.getBody();
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string } };
      if (parsed.error?.message) return parsed.error.message;
    } catch {
      // Not the error envelope.
    }
  }
  return error.message;
}
