import type { Client } from 'aedes';
import type { DisconnectCause } from './broker.js';

/** What the broker learns when a session ends. */
export interface SessionEnd {
  /** The session had completed its CONNECT (onDeviceConnected was called for it). */
  wasConnected: boolean;
  cause: DisconnectCause;
}

/**
 * Who is connected, per device. Tracks sessions that are authenticated but not yet ready, so
 * that when a device reconnects while its old session lingers (takeover), the old session's
 * end is recognised as 'replaced' and does not mark the device offline.
 */
export class Sessions {
  private readonly connected = new Map<string, Client>();
  private readonly connecting = new Map<string, Client>();
  private readonly causes = new WeakMap<Client, DisconnectCause>();
  /** Kicks (revocations) per device, so a secret check that spans one can be told apart. */
  private readonly kicks = new Map<string, number>();

  /** The CONNECT passed authentication; the session is being set up. */
  authenticated(client: Client): void {
    this.connecting.set(client.id, client);
  }

  /** CONNACK sent: the session is live. */
  ready(client: Client): void {
    if (this.connecting.get(client.id) === client) this.connecting.delete(client.id);
    this.connected.set(client.id, client);
  }

  /** A connection that never became ready went away. */
  abandoned(client: Client): void {
    if (this.connecting.get(client.id) === client) this.connecting.delete(client.id);
  }

  /** Records why a session is about to end; the first known cause wins. */
  markCause(client: Client, cause: DisconnectCause): void {
    if (!this.causes.has(client)) this.causes.set(client, cause);
  }

  /** A newer, still open connection of the same device is taking this session over (here or, in a cluster, elsewhere). */
  isBeingReplaced(client: Client): boolean {
    if (this.causes.get(client) === 'replaced') return true;
    const newer = this.connecting.get(client.id);
    return newer !== undefined && newer !== client && !newer.closed;
  }

  /** Forgets the session; `fallback` is the cause when none was marked and it was not replaced. */
  end(client: Client, fallback: DisconnectCause): SessionEnd {
    const wasConnected = this.connected.get(client.id) === client;
    if (wasConnected) this.connected.delete(client.id);
    this.abandoned(client);
    const marked = this.causes.get(client);
    const cause = marked ?? (this.isBeingReplaced(client) ? 'replaced' : fallback);
    return { wasConnected, cause };
  }

  /** The device was revoked: a CONNECT whose secret was looked up before this must not get in. */
  kicked(deviceId: string): void {
    this.kicks.set(deviceId, this.kickCount(deviceId) + 1);
  }

  kickCount(deviceId: string): number {
    return this.kicks.get(deviceId) ?? 0;
  }

  /** The live session of a device, or the one being set up. */
  sessionsOf(deviceId: string): { connected?: Client; connecting?: Client } {
    return { connected: this.connected.get(deviceId), connecting: this.connecting.get(deviceId) };
  }

  isConnected(deviceId: string): boolean {
    return this.connected.has(deviceId);
  }

  deviceIds(): string[] {
    return [...this.connected.keys()];
  }

  get size(): number {
    return this.connected.size;
  }

  clear(): void {
    this.connected.clear();
    this.connecting.clear();
    this.kicks.clear();
  }
}
