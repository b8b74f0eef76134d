import http, { type IncomingMessage } from 'node:http';

/** One Server-Sent Event as a browser's EventSource would see it. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * A small EventSource for tests over Node's fetch: records events and comments, and lets a test
 * wait for the next matching event or for the server to end the stream.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  closed = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private constructor(readonly response: IncomingMessage) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    // Its own connection, like a browser's EventSource, not one from fetch's shared pool.
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = http.get(
        url,
        { headers: { accept: 'text/event-stream', ...headers }, agent: false },
        resolve,
      );
      request.on('error', reject);
    });
    const client = new SseClient(response);
    client.abort.signal.addEventListener('abort', () => response.destroy());
    void client.read(response);
    return client;
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  header(name: string): string | undefined {
    const value = this.response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** Resolves with the first event (already received or still to come) that matches. */
  async next(match: (event: SseEvent) => boolean, timeoutMs = 5_000, what = 'an event'): Promise<SseEvent> {
    const found = await this.until(() => this.events.find(match), timeoutMs);
    if (!found) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
    return found;
  }

  async waitClosed(timeoutMs = 5_000): Promise<boolean> {
    return (await this.until(() => this.closed || undefined, timeoutMs)) === true;
  }

  close(): void {
    this.abort.abort();
  }

  private async until<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined || Date.now() >= deadline) return value;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async read(body: IncomingMessage): Promise<void> {
    body.setEncoding('utf8');
    let buffer = '';
    try {
      for await (const chunk of body as AsyncIterable<string>) {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
        this.notify();
      }
    } catch {
      // Aborted by the test, or the connection dropped: either way the stream is over.
    }
    this.closed = true;
    this.notify();
  }

  private parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) this.events.push({ event, data: data.join('\n') });
  }
}
