/**
 * The one catalogue of error codes. The HTTP API, MQTT command results, device reports and
 * logs all use these codes, so an operator can look any of them up in docs/protocol.md.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { http: 400, text: 'The request is malformed.' },
  UNAUTHORIZED: { http: 401, text: 'Missing or invalid credentials.' },
  FORBIDDEN: { http: 403, text: 'The credentials do not allow this.' },
  NOT_FOUND: { http: 404, text: 'No such object.' },
  CONFLICT: { http: 409, text: 'The object already exists or changed meanwhile.' },
  PAYLOAD_TOO_LARGE: { http: 413, text: 'The message or body is larger than allowed.' },
  RATE_LIMITED: { http: 429, text: 'Too many requests; try again later.' },
  INTERNAL: { http: 500, text: 'Unexpected server error.' },
  UNAVAILABLE: { http: 503, text: 'A dependency is unavailable.' },
  INVALID_TOPIC: { http: 400, text: 'The MQTT topic is not part of protocol v1.' },
  INVALID_JSON: { http: 400, text: 'The payload is not valid JSON.' },
  INVALID_PAYLOAD: { http: 400, text: 'The payload does not match the schema of its topic.' },
  DEVICE_MISMATCH: { http: 400, text: 'The payload names a different device than its topic.' },
  STALE_DESIRED: { http: 409, text: 'The desired document is older than the one already applied.' },
  UNKNOWN_COMMAND: { http: 400, text: 'The device does not know this command.' },
  COMMAND_EXPIRED: { http: 408, text: 'The command arrived after it expired.' },
  COMMAND_FAILED: { http: 500, text: 'The device could not carry out the command.' },
  COMMAND_TIMEOUT: { http: 504, text: 'The device did not answer in time.' },
  DEVICE_OFFLINE: { http: 409, text: 'The device is not connected.' },
  CONFIG_INVALID: { http: 400, text: 'The configuration file is invalid.' },
  ENROLMENT_REFUSED: { http: 403, text: 'The enrolment token is unknown, expired or revoked.' },
  MEDIA_INVALID: { http: 422, text: 'A media file does not match its declared sha256 or size.' },
  MEDIA_TOO_LARGE: { http: 413, text: 'A media file is larger than its declared size.' },
  MEDIA_QUOTA_EXCEEDED: { http: 507, text: 'The media needed does not fit the cache quota.' },
  MEDIA_UNREACHABLE: { http: 502, text: 'A media file could not be downloaded.' },
  DISK_FULL: { http: 507, text: 'The disk is full, on the screen or on the fleet manager.' },
  PLAYER_UNAVAILABLE: { http: 503, text: 'Chromium cannot be found or started on the screen.' },
  ITEM_FAILED: { http: 500, text: 'A content item could not be shown; the player moved on.' },
  DISPLAY_BLACK: {
    http: 500,
    text: 'The screen shows black while the schedule says it should show content.',
  },
  DISPLAY_FROZEN: { http: 500, text: 'The picture has not changed while the schedule says it should move.' },
  EVENTS_DROPPED: {
    http: 507,
    text: 'The device dropped its oldest queued events to stay within its bound.',
  },
  CONTENT_REFUSED: {
    http: 422,
    text: 'The content was refused: its type, safety or playability check failed.',
  },
  GLYPHS_MISSING: { http: 422, text: 'The text has characters that no font on the screens can draw.' },
  UPLOAD_OFFSET_MISMATCH: { http: 409, text: 'The upload chunk does not start where the stored part ends.' },
  HARDWARE_UNAVAILABLE: { http: 503, text: 'The hardware interface (HDMI-CEC, reboot) is not available.' },
  UPDATE_UNSIGNED: { http: 422, text: 'The release has no signature; screens accept only signed releases.' },
  UPDATE_BAD_SIGNATURE: { http: 422, text: 'The release signature does not match its manifest.' },
  UPDATE_UNKNOWN_KEY: { http: 422, text: 'The release is signed by a key the screen does not trust.' },
  UPDATE_TAMPERED: { http: 422, text: 'The release artifact does not match its signed sha256 or size.' },
  UPDATE_DOWNGRADE: {
    http: 409,
    text: 'The release is older than the running one and is not a signed rollback.',
  },
  UPDATE_EXPIRED: { http: 422, text: 'The release manifest has expired; the screen does not install it.' },
  UPDATE_FAILED: { http: 500, text: 'The update did not commit; the screen runs its previous release.' },
} as const satisfies Record<string, { http: number; text: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** An error that carries a catalogue code; edges turn it into an HTTP reply or a command result. */
export class GatecastError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CODES[code].text);
    this.name = 'GatecastError';
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}
