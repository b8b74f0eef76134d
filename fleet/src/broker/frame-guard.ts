import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { INITIAL_SCAN_STATE, scanChunk, type FrameScanState } from './frame-scanner.js';

export interface FrameGuardOptions {
  /** Largest frame before the CONNECT is accepted by authentication. */
  maxConnectBytes: number;
  /** Largest frame afterwards. */
  maxPacketBytes: number;
  /** A socket still unauthenticated after this long is closed. */
  connectTimeoutMs: number;
  /** Called once when the guard closes the socket, with why. */
  onReject(reason: string): void;
}

/**
 * Sits between a TCP/TLS socket and `aedes.handle`: every byte passes through the frame
 * scanner first, so an oversize or malformed frame closes the socket at its header, before
 * Aedes' parser could buffer it, and a socket that never authenticates is closed on a timer.
 * Writes pass straight to the socket, keeping its backpressure.
 */
export class FrameGuard extends Duplex {
  readonly remoteAddress: string;
  private readonly socket: Socket;
  private readonly options: FrameGuardOptions;
  private scan: FrameScanState = INITIAL_SCAN_STATE;
  private authenticated = false;
  private rejected = false;
  private connectTimer: NodeJS.Timeout | null = null;
  private pendingWrite: ((error?: Error | null) => void) | null = null;

  constructor(socket: Socket, options: FrameGuardOptions) {
    super({ allowHalfOpen: false });
    this.socket = socket;
    this.options = options;
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  }

  /** Attaches to the socket and starts the connect timer. */
  start(): void {
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.push(null));
    socket.on('drain', () => this.flushPendingWrite(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
    this.connectTimer = setTimeout(
      () => this.reject(`no accepted CONNECT within ${this.options.connectTimeoutMs} ms`),
      this.options.connectTimeoutMs,
    );
  }

  /** The CONNECT passed authentication: lift the limit to the post-connect size, stop the timer. */
  markAuthenticated(): void {
    this.authenticated = true;
    this.clearConnectTimer();
  }

  /** The client sent DISCONNECT, so the close that follows is a clean one. */
  get disconnectRequested(): boolean {
    return this.scan.disconnectSeen;
  }

  private onData(chunk: Buffer): void {
    if (this.rejected || this.destroyed) return;
    const limit = this.authenticated ? this.options.maxPacketBytes : this.options.maxConnectBytes;
    const result = scanChunk(this.scan, chunk, limit);
    this.scan = result.state;
    if (!result.ok) {
      this.reject(result.reason);
      return;
    }
    if (!this.push(chunk)) this.socket.pause();
  }

  private reject(reason: string): void {
    if (this.rejected || this.destroyed) return;
    this.rejected = true;
    this.options.onReject(reason);
    this.socket.destroy();
    this.destroy();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private flushPendingWrite(error: Error | null): void {
    const callback = this.pendingWrite;
    this.pendingWrite = null;
    callback?.(error);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) {
      callback(new Error('socket closed'));
      return;
    }
    if (this.socket.write(chunk)) callback();
    else this.pendingWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearConnectTimer();
    this.flushPendingWrite(error ?? new Error('connection closed'));
    this.socket.destroy();
    callback(error);
  }
}
