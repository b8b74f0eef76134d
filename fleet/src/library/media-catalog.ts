/** What a probe learnt of an uploaded file (ffprobe); null fields were not found. */
export interface MediaProbe {
  durationSec: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  frameRate: number | null;
  bitRate: number | null;
}

export type LibraryMediaKind = 'image' | 'video' | 'html-package';

/** One verified file in the media library, addressed by its sha256. */
export interface LibraryMedia {
  sha256: string;
  name: string;
  kind: LibraryMediaKind;
  contentType: string;
  sizeBytes: number;
  probe: MediaProbe | null;
  /** Playability warnings per device profile, e.g. "4K HEVC will not play smoothly on a Pi 3". */
  warnings: string[];
  uploadedBy: string;
  uploadedAt: string;
}

/** A library file as the API shows it (the dashboard and the CLI read this type, not a copy). */
export interface LibraryMediaView extends LibraryMedia {
  /** For the dashboard, with the caller's credentials; null for a package. */
  thumbnailUrl: string | null;
}

/** How other domains (content, information, the composer) read media; the library implements it. */
export interface MediaReader {
  get(sha256: string): Promise<LibraryMedia | undefined>;
  /** Those of `sha256s` the library holds, in one query (the composer reads a round's media at once). */
  getMany(sha256s: readonly string[]): Promise<ReadonlyMap<string, LibraryMedia>>;
}

/** Media read beforehand, as the pure composer looks it up while it composes. */
export interface MediaCatalog {
  get(sha256: string): LibraryMedia | undefined;
}
