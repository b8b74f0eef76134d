/**
 * Which process holds each screen, as this process knows it without asking the store: the claims
 * read on the last heartbeat, plus its own claims since, known at once. The broker's
 * `isConnected` is synchronous and asked for every screen of a list, so it reads this map.
 */
export class ScreenHolders {
  private known = new Map<string, string>();
  /** Claims made here while a read is under way: that read may predate them. */
  private claimedDuringRead: Set<string> | null = null;

  constructor(private readonly processId: string) {}

  /** Another process holds the screen, as of the last heartbeat. */
  heldElsewhere(deviceId: string): boolean {
    const holder = this.known.get(deviceId);
    return holder !== undefined && holder !== this.processId;
  }

  claimedHere(deviceId: string): void {
    this.known.set(deviceId, this.processId);
    this.claimedDuringRead?.add(deviceId);
  }

  /** What the store says of one screen (after a release found it held elsewhere). */
  heldBy(deviceId: string, holder: string | undefined): void {
    if (holder === undefined) this.known.delete(deviceId);
    else this.known.set(deviceId, holder);
  }

  /** Replaces the map with the store's claims; claims made here meanwhile stay. */
  async refresh(read: () => Promise<Map<string, string>>): Promise<void> {
    const claimed = new Set<string>();
    this.claimedDuringRead = claimed;
    try {
      const fresh = await read();
      for (const deviceId of claimed) fresh.set(deviceId, this.processId);
      this.known = fresh;
    } finally {
      if (this.claimedDuringRead === claimed) this.claimedDuringRead = null;
    }
  }
}
