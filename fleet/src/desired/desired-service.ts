import { GatecastError, desiredSchema, type DesiredDocument } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { Database } from '../store/database.js';
import { parseJsonColumn } from '../store/json-column.js';
import { composeDesired } from './compose-desired.js';
import type { DemoContentSource } from './demo-content.js';
import { sameContent } from './same-content.js';

export interface DesiredServiceDeps {
  db: Database;
  devices: DevicesRepo;
  gates: GatesRepo;
  broker: Pick<Broker, 'publishToDevice' | 'clearRetained'>;
  log: Logger;
  now?: () => Date;
  /** The demo content source, read at each compose (its URL may be known only once HTTP listens). */
  demo?: () => DemoContentSource | undefined;
}

interface DocumentRow {
  device_id: string;
  document: string;
}

/** Keeps one versioned desired document per screen in the store and retained on the broker. */
export class DesiredService {
  private readonly deps: DesiredServiceDeps;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly stmts;
  /** Stored but not yet on the broker (its publish failed): the next refresh publishes again. */
  private readonly unpublished = new Set<string>();

  constructor(deps: DesiredServiceDeps) {
    this.deps = deps;
    this.log = deps.log.child({ mod: 'desired' });
    this.now = deps.now ?? (() => new Date());
    const { db } = deps;
    this.stmts = {
      document: db.prepare<[string], DocumentRow>(
        'SELECT device_id, document FROM desired_documents WHERE device_id = ?',
      ),
      allDocuments: db.prepare<[], DocumentRow>(
        'SELECT device_id, document FROM desired_documents ORDER BY device_id',
      ),
      lastVersion: db
        .prepare<[string], number>('SELECT last_version FROM desired_versions WHERE device_id = ?')
        .pluck(),
      saveVersion: db.prepare<[string, number]>(
        `INSERT INTO desired_versions (device_id, last_version) VALUES (?, ?)
           ON CONFLICT (device_id) DO UPDATE SET last_version = excluded.last_version`,
      ),
      saveDocument: db.prepare<[string, number, string, string]>(
        `INSERT INTO desired_documents (device_id, version, document, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (device_id) DO UPDATE SET version = excluded.version,
             document = excluded.document, updated_at = excluded.updated_at`,
      ),
      removeDocument: db.prepare<[string]>('DELETE FROM desired_documents WHERE device_id = ?'),
    };
  }

  /**
   * Composes the device's desired document; when its content differs from the stored one
   * (ignoring version and issuedAt) stores it as version last + 1 and publishes it retained.
   * Returns the current document. NOT_FOUND for an unknown device.
   */
  async refresh(deviceId: string): Promise<DesiredDocument> {
    const device = this.deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `device ${deviceId} does not exist`);
    const gate = this.deps.gates.get(device.gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `gate ${device.gateId} does not exist`);
    const issuedAt = this.now().toISOString();
    const stored = this.latest(deviceId);
    const demo = this.deps.demo?.();
    const version = stored?.version ?? 1;
    const composed = composeDesired({ device, gate, version, issuedAt, ...(demo ? { demo } : {}) });
    if (stored && sameContent(stored, composed)) {
      if (this.unpublished.has(deviceId)) await this.publish(stored);
      return stored;
    }
    const next = this.store(composed, issuedAt);
    this.log.info({ deviceId, version: next.version }, 'desired document changed');
    await this.publish(next);
    return next;
  }

  /** Publishes every stored document again (fleet start). Returns how many were published. */
  async republishAll(): Promise<number> {
    let count = 0;
    for (const row of this.stmts.allDocuments.all()) {
      const document = this.parse(row);
      if (!document) continue;
      try {
        await this.publish(document);
        count++;
      } catch (error) {
        this.log.error({ deviceId: row.device_id, err: (error as Error).message }, 'republish failed');
      }
    }
    this.log.info({ count }, 'desired documents republished');
    return count;
  }

  /** Composes every screen again (fleet start): what the fleet composes may have changed meanwhile. */
  async refreshAll(): Promise<void> {
    for (const device of this.deps.devices.list()) {
      try {
        await this.refresh(device.id);
      } catch (error) {
        this.log.error({ deviceId: device.id, err: (error as Error).message }, 'refresh failed');
      }
    }
  }

  latest(deviceId: string): DesiredDocument | undefined {
    const row = this.stmts.document.get(deviceId);
    return (row && this.parse(row)) ?? undefined;
  }

  /** Device removed: clears its retained messages. The version counter stays (see the schema). */
  async forget(deviceId: string): Promise<void> {
    this.stmts.removeDocument.run(deviceId);
    this.unpublished.delete(deviceId);
    await this.deps.broker.clearRetained(deviceId);
  }

  /** Allocates the next version and stores the document in one transaction. */
  private store(composed: DesiredDocument, issuedAt: string): DesiredDocument {
    return this.deps.db.transaction(() => {
      const version = (this.stmts.lastVersion.get(composed.deviceId) ?? 0) + 1;
      const document = desiredSchema.parse({ ...composed, version });
      this.stmts.saveVersion.run(document.deviceId, version);
      this.stmts.saveDocument.run(document.deviceId, version, JSON.stringify(document), issuedAt);
      return document;
    })();
  }

  private async publish(document: DesiredDocument): Promise<void> {
    this.unpublished.add(document.deviceId);
    await this.deps.broker.publishToDevice(document.deviceId, 'desired', document);
    // A newer refresh may have queued meanwhile; only clear the mark if this is still the latest.
    if (this.latest(document.deviceId)?.version === document.version)
      this.unpublished.delete(document.deviceId);
  }

  private parse(row: DocumentRow): DesiredDocument | null {
    const where = { table: 'desired_documents', column: 'document', id: row.device_id };
    return parseJsonColumn(desiredSchema, row.document, this.log, where);
  }
}
