/**
 * Reads MQTT fixed headers out of a byte stream without buffering bodies, so the frame guard can
 * close a socket the moment a frame *declares* too many bytes. Aedes has no packet-size limit of
 * its own; this is the cap Mosquitto has by default.
 *
 * A frame is: one type byte, a remaining length of 1–4 bytes (7 bits each, low first, high bit =
 * "more"), then that many body bytes. The scanner only counts body bytes, it never keeps them.
 */

const CONNECT = 1;
const DISCONNECT = 14;
const MAX_LENGTH_BYTES = 4;

export type ScanPhase = 'type' | 'length' | 'body';

export interface FrameScanState {
  readonly phase: ScanPhase;
  /** Packet type (high nibble of the first byte) of the frame being read. */
  readonly packetType: number;
  /** Remaining length decoded so far (phase 'length'). */
  readonly remaining: number;
  /** Remaining-length bytes read so far (phase 'length'). */
  readonly lengthBytes: number;
  /** Body bytes still to pass before the next header (phase 'body'). */
  readonly bodyLeft: number;
  /** The connection opened with a CONNECT; a second one is a protocol violation. */
  readonly connectSeen: boolean;
  /** The client announced a clean DISCONNECT. */
  readonly disconnectSeen: boolean;
}

export type ScanResult =
  { ok: true; state: FrameScanState } | { ok: false; state: FrameScanState; reason: string };

export const INITIAL_SCAN_STATE: FrameScanState = {
  phase: 'type',
  packetType: 0,
  remaining: 0,
  lengthBytes: 0,
  bodyLeft: 0,
  connectSeen: false,
  disconnectSeen: false,
};

/** Checks a frame's type against its position in the connection; null when it may proceed. */
export function checkPacketType(packetType: number, connectSeen: boolean): string | null {
  if (packetType === 0 || packetType === 15) return `reserved packet type ${packetType}`;
  if (!connectSeen && packetType !== CONNECT) return `first packet is type ${packetType}, not CONNECT`;
  if (connectSeen && packetType === CONNECT) return 'second CONNECT on one connection';
  return null;
}

/**
 * Advances the scanner over one chunk. `maxFrameBytes` is the largest whole frame (header
 * included) allowed at this point of the connection. Returns the new state, or the reason to close.
 */
export function scanChunk(state: FrameScanState, chunk: Uint8Array, maxFrameBytes: number): ScanResult {
  const next: Mutable<FrameScanState> = { ...state };
  let index = 0;
  while (index < chunk.length) {
    if (next.phase === 'body') {
      // Bodies are skipped in bulk: only headers cost a per-byte step.
      const take = Math.min(next.bodyLeft, chunk.length - index);
      next.bodyLeft -= take;
      index += take;
      if (next.bodyLeft === 0) next.phase = 'type';
      continue;
    }
    const problem = headerByte(next, chunk[index] as number, maxFrameBytes);
    index += 1;
    if (problem) return { ok: false, state: next, reason: problem };
  }
  return { ok: true, state: next };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One byte of a fixed header (type or remaining length); returns why to close, or null. */
function headerByte(s: Mutable<FrameScanState>, byte: number, maxFrameBytes: number): string | null {
  if (s.phase === 'type') {
    s.packetType = byte >> 4;
    const problem = checkPacketType(s.packetType, s.connectSeen);
    if (problem) return problem;
    if (s.packetType === CONNECT) s.connectSeen = true;
    s.phase = 'length';
    s.remaining = 0;
    s.lengthBytes = 0;
    return null;
  }
  s.remaining += (byte & 0x7f) * 128 ** s.lengthBytes;
  s.lengthBytes += 1;
  const declared = 1 + s.lengthBytes + s.remaining;
  if (declared > maxFrameBytes) return `frame declares ${declared} bytes, limit ${maxFrameBytes}`;
  if (byte & 0x80) {
    return s.lengthBytes === MAX_LENGTH_BYTES ? 'malformed remaining length (more than 4 bytes)' : null;
  }
  if (s.packetType === DISCONNECT) s.disconnectSeen = true;
  s.bodyLeft = s.remaining;
  s.phase = s.remaining === 0 ? 'type' : 'body';
  return null;
}
