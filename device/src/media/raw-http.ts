import { connect, type Socket } from 'node:net';
import {
  bodyLength,
  MAX_HEAD_BYTES,
  parseResponseHead,
  requestHead,
  type ResponseHead,
} from './http-head.js';
import type { HttpResponse } from './http-transport.js';
import { SlabPool } from './slab-pool.js';

/*
 * Socket reads land directly in 1 MiB slabs from a SlabPool, one after the other, and the body is
 * handed out as views of them: no 64 KiB buffer per read to allocate and collect, no stream
 * machinery per chunk. This roughly halves the CPU per byte of node:http (docs/benchmarks.md, B8).
 */
/** A slab with less room than this is left for a new one, so reads stay large. */
const MIN_READ_BYTES = 64 * 1024;
/** Beyond this much body not yet taken by the reader, the socket stops reading (back-pressure). */
const MAX_QUEUED_BYTES = 1 << 20;

export interface RawResult {
  /** False when the body uses a transfer coding this client does not decode: ask node:http instead. */
  supported: boolean;
  response: HttpResponse;
}

/**
 * One plain-HTTP GET on its own connection (`Connection: close`), for bodies delimited by
 * Content-Length or by the end of the connection. `track` learns of every open socket, so the
 * owner can close them all at stop().
 */
export function rawHttpGet(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  track: Set<Socket>,
  pool: SlabPool = new SlabPool(),
): Promise<RawResult> {
  return new RawExchange(url, headers, signal, track, pool).started;
}

type Waiter = { resolve: (read: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void };

class RawExchange {
  readonly started: Promise<RawResult>;
  private resolveHead!: (result: RawResult) => void;
  private rejectHead!: (error: unknown) => void;
  private readonly socket: Socket;
  private slab: Buffer | null = null;
  private fill = 0;
  private headBytes: Buffer = Buffer.alloc(0);
  private head: ResponseHead | null = null;
  private remaining = Infinity;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private waiter: Waiter | null = null;
  private paused = false;
  private ended = false;
  private failure: { error: unknown } | null = null;
  private readonly onAbort = (): void => this.fail(this.signal.reason ?? new Error('aborted'));

  constructor(
    url: URL,
    headers: Record<string, string>,
    private readonly signal: AbortSignal,
    private readonly track: Set<Socket>,
    private readonly pool: SlabPool,
  ) {
    this.started = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    const request = requestHead(url, headers);
    this.socket = connect({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port) || 80,
      onread: { buffer: () => this.nextBuffer(), callback: (n, buf) => this.onRead(n, buf) },
    });
    track.add(this.socket);
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.onClose());
    this.socket.write(request);
    if (signal.aborted) this.onAbort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  private nextBuffer(): Uint8Array {
    // Asked once more after the last read; a finished exchange takes nothing from the pool.
    if (this.ended) return new Uint8Array(MIN_READ_BYTES);
    if (!this.slab || this.slab.length - this.fill < MIN_READ_BYTES) {
      if (this.slab) this.pool.retire(this.slab);
      this.slab = this.pool.take();
      this.fill = 0;
    }
    return this.slab.subarray(this.fill);
  }

  /** `buf` is the slab's free part handed out by nextBuffer(); its first n bytes just arrived. */
  private onRead(n: number, buf: Uint8Array): boolean {
    this.fill += n;
    const bytes = buf.subarray(0, n);
    if (this.head) this.onBody(bytes);
    else this.onHeadBytes(bytes);
    this.paused = this.queued >= MAX_QUEUED_BYTES;
    return !this.paused;
  }

  private onHeadBytes(bytes: Uint8Array): void {
    const all = this.headBytes.length ? Buffer.concat([this.headBytes, bytes]) : Buffer.from(bytes);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) {
      if (all.length > MAX_HEAD_BYTES) this.fail(new Error('response head too large'));
      // The head is copied out: later reads never overwrite it, but it must outlive them.
      else this.headBytes = Buffer.from(all);
      return;
    }
    const head = parseResponseHead(all.toString('latin1', 0, end));
    if (!head) return this.fail(new Error('malformed response head'));
    const rest = all.subarray(end + 4);
    // An interim response (100 Continue and the like) precedes the real one.
    if (head.status < 200) {
      this.headBytes = Buffer.alloc(0);
      if (rest.length) this.onHeadBytes(rest);
      return;
    }
    this.head = head;
    const length = bodyLength(head);
    this.resolveHead({ supported: length !== 'unsupported', response: this.response(head) });
    if (length === 'unsupported') return this.finish();
    this.remaining = length === 'close' ? Infinity : length;
    if (this.remaining === 0) return this.finish();
    if (rest.length) this.onBody(rest);
  }

  private onBody(bytes: Uint8Array): void {
    if (this.ended) return;
    // Bytes past the announced length are never handed out.
    const body = bytes.length > this.remaining ? bytes.subarray(0, this.remaining) : bytes;
    this.remaining -= body.length;
    this.deliver(body);
    if (this.remaining === 0) this.finish();
  }

  private deliver(chunk: Uint8Array): void {
    // Lent as soon as it is queued: the slab must not be reused while the bytes wait here.
    this.pool.lend(chunk);
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = null;
      return resolve({ done: false, value: chunk });
    }
    // Consecutive views of one slab merge, so a busy reader gets fewer, larger chunks.
    const last = this.queue[this.queue.length - 1];
    if (last && last.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset) {
      this.queue[this.queue.length - 1] = new Uint8Array(
        last.buffer,
        last.byteOffset,
        last.length + chunk.length,
      );
      this.pool.giveBack(chunk);
    } else this.queue.push(chunk);
    this.queued += chunk.length;
  }

  private next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.queue.shift();
    if (chunk) {
      this.queued -= chunk.length;
      if (this.paused && this.queued < MAX_QUEUED_BYTES && !this.ended) {
        this.paused = false;
        this.socket.resume();
      }
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private response(head: ResponseHead): HttpResponse {
    return {
      status: head.status,
      header: (name) => head.headers.get(name.toLowerCase()) ?? null,
      chunks: () => ({ next: () => this.next() }),
      cancel: async () => {
        this.queue.length = 0;
        this.queued = 0;
        this.finish();
      },
    };
  }

  /** The body is complete (or no longer wanted): what is queued can still be read. */
  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    this.waiter?.resolve({ done: true, value: undefined });
    this.waiter = null;
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.ended = true;
    this.release();
    if (!this.head) this.rejectHead(error);
    this.waiter?.reject(error);
    this.waiter = null;
  }

  private onEnd(): void {
    if (!this.head) this.fail(new Error('connection closed before a response'));
    else if (this.remaining !== Infinity)
      this.fail(new Error(`connection closed ${this.remaining} bytes early`));
    else this.finish();
  }

  private onClose(): void {
    this.fail(new Error('connection closed'));
  }

  private release(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.track.delete(this.socket);
    this.socket.destroy();
    if (this.slab) this.pool.retire(this.slab);
    this.slab = null;
  }
}
