import { createHash, randomBytes, randomInt } from 'node:crypto';
import { GatecastError, type CounterPage, type DeviceProfile, type InfoBundle } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { ScreenExtras } from '../desired/compose-desired.js';
import type { DeviceRecord, DevicesRepo } from '../devices/devices-repo.js';
import type { Gate, GatesRepo } from '../gates/gates-repo.js';
import type { InfoBundleSource } from '../info/info-bundle-source.js';
import { isConstraintError } from '../store/constraint-errors.js';
import type { Sql } from '../store/sql.js';
import { CountersRepo, type CounterCode, type CounterPairing } from './counters-repo.js';
import { CLIENT_LOCK_MS, PairingGuard } from './pairing-guard.js';

/** A code on a screen is good this long, or until used. */
export const CODE_LIFETIME_MS = 10 * 60_000;
/** How long staff may put a page up; null is "until cleared". */
export const PUSH_MINUTES = [5, 15, 30, 60] as const;
/** A timer never longer than this, so a clock that jumped is caught up with within the hour. */
const MAX_TIMER_MS = 60 * 60_000;

export interface CountersServiceDeps {
  sql: Sql;
  devices: Pick<DevicesRepo, 'get' | 'list' | 'profileOf'>;
  gates: Pick<GatesRepo, 'get'>;
  info: InfoBundleSource;
  /** Recomposes and publishes the listed screens (desired.refreshMany). */
  refresh(deviceIds: string[]): Promise<void>;
  log: Logger;
  now?: () => Date;
}

/** A tablet's pairing with the screen it belongs to, as the routes and the audit log need it. */
export interface PairedTablet {
  pairing: CounterPairing;
  device: DeviceRecord;
  gate: Gate;
}

/** What a counter screen shows and who may change it, for operators. */
export interface CounterView {
  deviceId: string;
  name: string;
  gateId: string;
  code: CounterCode | null;
  page: CounterPage | null;
  pairings: CounterPairing[];
}

/** "counter tablet <id> of <screen>": the audit log's actor for what a tablet did. */
export function tabletActor(tablet: Pick<PairedTablet, 'pairing' | 'device'>): { id: string; name: string } {
  return {
    id: `counter-tablet:${tablet.pairing.id}`,
    name: `counter tablet ${tablet.pairing.id} of ${tablet.device.id}`,
  };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Information counters: pairing codes on counter screens, tablets paired by them, and the page
 * each counter's staff put on its screen. Every change recomposes only the screen concerned.
 */
export class CountersService {
  private readonly repo: CountersRepo;
  private readonly guard = new PairingGuard();
  private readonly now: () => Date;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly deps: CountersServiceDeps) {
    this.repo = new CountersRepo(deps.sql);
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log.child({ mod: 'counters' });
  }

  /**
   * The ScreenExtras provider: a counter screen's pairing code (issued or replaced here when it
   * has none or it expired) and the pushed page while it is current. Nothing for other screens.
   */
  async extrasFor(device: DeviceRecord, _gate: Gate, now: Date): Promise<ScreenExtras> {
    if (!(await this.isCounter(device.id))) return {};
    const code = await this.currentCode(device.id, now);
    const page = await this.currentPage(device.id, now);
    return { pairingCode: code.code, ...(page ? { counterPage: page } : {}) };
  }

  // ---- tablets -------------------------------------------------------------------------------

  /**
   * Pairs a tablet by the code its counter screen shows. Wrong codes are counted per client and
   * fleet-wide (pairing-guard.ts); the screen's code is replaced after a successful pairing.
   */
  async pair(code: string, client: string): Promise<{ token: string; tablet: PairedTablet }> {
    const now = this.now();
    const verdict = this.guard.check(client, now.getTime());
    if (verdict.locked) {
      const minutes = Math.ceil(verdict.retryAfterMs / 60_000);
      throw new GatecastError(
        'RATE_LIMITED',
        `too many wrong pairing codes from this device; try again in ${minutes} min`,
      );
    }
    const found = await this.repo.codeByValue(code);
    const device = found && (await this.deps.devices.get(found.deviceId));
    if (!found || !device || !(await this.isCounter(device.id))) return this.wrongCode(client, now);
    if (Date.parse(found.expiresAt) <= now.getTime()) {
      // Not a guess: the code was right but old. The screen gets a fresh one to read.
      await this.rotate([device.id], now);
      throw new GatecastError(
        'UNAUTHORIZED',
        'this pairing code has expired; type the new code the counter screen shows now',
      );
    }
    // The code is replaced first, and only while it is still the one typed: of two tablets typing
    // it at once (or on two fleet processes), one pairs; the other's code is no longer shown.
    const replaced = await this.withFreshCode(device.id, now, (next) =>
      this.repo.replaceCode(found.code, next),
    );
    if (!replaced) return this.wrongCode(client, now);
    this.guard.succeed(client);
    const token = `gcc_${randomBytes(32).toString('base64url')}`;
    const id = randomBytes(6).toString('hex');
    await this.repo.addPairing({
      id,
      deviceId: device.id,
      tokenHash: hashToken(token),
      createdAt: now.toISOString(),
    });
    this.log.info({ deviceId: device.id, pairing: id }, 'counter tablet paired');
    await this.arm();
    await this.deps.refresh([device.id]);
    return { token, tablet: await this.tabletOf((await this.repo.pairing(id)) as CounterPairing, device) };
  }

  /** The tablet behind a token: UNAUTHORIZED with the reason when it is unknown or revoked. */
  async tablet(token: string): Promise<PairedTablet> {
    const pairing = await this.repo.pairingByTokenHash(hashToken(token));
    const device = pairing && (await this.deps.devices.get(pairing.deviceId));
    if (!pairing || !device)
      throw new GatecastError(
        'UNAUTHORIZED',
        'this tablet is not paired with a counter screen; pair it with the code the screen shows',
      );
    if (pairing.revokedAt !== null)
      throw new GatecastError(
        'UNAUTHORIZED',
        `this tablet's pairing with ${device.name} was removed by ${pairing.revokedBy ?? 'an operator'}; ` +
          'pair it again with the code the screen shows',
      );
    if (!(await this.isCounter(device.id)))
      throw new GatecastError('CONFLICT', `${device.name} is no longer a counter screen; ask an operator`);
    await this.repo.touchPairing(pairing.id, this.now().toISOString());
    return this.tabletOf(pairing, device);
  }

  /** The published tree of the tablet's gate, or undefined when the gate has none yet. */
  async tree(tablet: PairedTablet): Promise<InfoBundle | undefined> {
    return this.deps.info.bundle(tablet.gate.id);
  }

  /** What the tablet's screen shows now: the pushed page while it is current, else null. */
  async shownOn(deviceId: string): Promise<CounterPage | null> {
    return (await this.currentPage(deviceId, this.now())) ?? null;
  }

  /**
   * Puts a page of the gate's published tree on the tablet's screen in one of the gate's
   * languages, for `minutes` or (null) until cleared, replacing any page shown before.
   */
  async push(
    tablet: PairedTablet,
    request: { nodeId: string; language: string; minutes: number | null },
  ): Promise<CounterPage> {
    const { gate, device } = tablet;
    if (!gate.languages.includes(request.language))
      throw new GatecastError(
        'BAD_REQUEST',
        `${request.language} is not a language of gate ${gate.id} (${gate.languages.join(', ')})`,
      );
    if (request.minutes !== null && !(PUSH_MINUTES as readonly number[]).includes(request.minutes))
      throw new GatecastError('BAD_REQUEST', `minutes must be one of ${PUSH_MINUTES.join(', ')} or null`);
    const bundle = await this.deps.info.bundle(gate.id);
    if (!bundle) throw new GatecastError('NOT_FOUND', `gate ${gate.id} has no published information yet`);
    const node = bundle.nodes.find((candidate) => candidate.id === request.nodeId);
    if (!node)
      throw new GatecastError(
        'NOT_FOUND',
        `page ${request.nodeId} is not in the published information of gate ${gate.id}`,
      );
    if (node.kind !== 'page')
      throw new GatecastError('BAD_REQUEST', `${request.nodeId} is a category; push one of its pages`);
    const now = this.now();
    const page: CounterPage = {
      nodeId: node.id,
      language: request.language,
      shownSince: now.toISOString(),
      until:
        request.minutes === null ? null : new Date(now.getTime() + request.minutes * 60_000).toISOString(),
    };
    await this.repo.savePage({ ...page, deviceId: device.id, pairingId: tablet.pairing.id });
    await this.deps.refresh([device.id]);
    await this.arm();
    return page;
  }

  /** Takes the pushed page off the tablet's screen; the page that was shown, or null. */
  async clear(tablet: PairedTablet): Promise<CounterPage | null> {
    const shown = await this.shownOn(tablet.device.id);
    if (await this.repo.removePage(tablet.device.id)) await this.deps.refresh([tablet.device.id]);
    return shown;
  }

  // ---- operators -----------------------------------------------------------------------------

  /** Counter screens (of one gate, or all), with their code, page and pairings. */
  async list(gateId?: string): Promise<CounterView[]> {
    const now = this.now();
    const pairings = await this.repo.pairings();
    const views: CounterView[] = [];
    for (const device of await this.deps.devices.list()) {
      if ((gateId !== undefined && device.gateId !== gateId) || !(await this.isCounter(device.id))) continue;
      const code = await this.repo.code(device.id);
      views.push({
        deviceId: device.id,
        name: device.name,
        gateId: device.gateId,
        code: code && Date.parse(code.expiresAt) > now.getTime() ? code : null,
        page: (await this.currentPage(device.id, now)) ?? null,
        pairings: pairings.filter((pairing) => pairing.deviceId === device.id),
      });
    }
    return views;
  }

  /** One counter screen; NOT_FOUND for an unknown screen, CONFLICT for one that is no counter. */
  async counter(deviceId: string): Promise<CounterView> {
    const device = await this.deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `device ${deviceId} does not exist`);
    if (!(await this.isCounter(deviceId)))
      throw new GatecastError(
        'CONFLICT',
        `${deviceId} is not a counter screen (gatecast devices profile ${deviceId} counter)`,
      );
    return (await this.list(device.gateId)).find((view) => view.deviceId === deviceId) as CounterView;
  }

  /** Replaces a counter screen's code (an operator asked; the old one may have been seen). */
  async newCode(deviceId: string): Promise<CounterCode> {
    await this.counter(deviceId);
    await this.rotate([deviceId], this.now());
    return (await this.repo.code(deviceId)) as CounterCode;
  }

  /** The gate of a screen; NOT_FOUND when it no longer exists. */
  async gateOf(deviceId: string): Promise<string> {
    const device = await this.deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `device ${deviceId} does not exist`);
    return device.gateId;
  }

  async pairing(pairingId: string): Promise<CounterPairing | undefined> {
    return this.repo.pairing(pairingId);
  }

  /** Revokes a pairing; the tablet's next request is refused. False when it was already revoked. */
  async unpair(pairingId: string, by: string): Promise<boolean> {
    const pairing = await this.repo.pairing(pairingId);
    if (!pairing) throw new GatecastError('NOT_FOUND', `pairing ${pairingId} does not exist`);
    const revoked = await this.repo.revoke(pairingId, this.now().toISOString(), by);
    if (revoked)
      this.log.info({ deviceId: pairing.deviceId, pairing: pairingId, by }, 'counter tablet unpaired');
    return revoked;
  }

  // ---- expiry --------------------------------------------------------------------------------

  start(): void {
    this.running = true;
    this.arm().catch((error) =>
      this.log.error({ err: (error as Error).message }, 'counter timer could not be set'),
    );
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Tidies what ran out: pushed pages past `until` are removed and codes past their expiry are
   * replaced, and those screens are recomposed. The screens drop an ended page on their own; this
   * keeps documents and the tablet's view true. Returns the screens recomposed.
   */
  async sweep(): Promise<string[]> {
    const now = this.now();
    const ended = await this.repo.expiredPages(now.toISOString());
    for (const deviceId of ended) await this.repo.removePage(deviceId);
    const stale: string[] = [];
    for (const code of await this.repo.allCodes()) {
      if (Date.parse(code.expiresAt) > now.getTime()) continue;
      if (await this.isCounter(code.deviceId)) stale.push(code.deviceId);
      else await this.repo.removeCode(code.deviceId);
    }
    for (const deviceId of stale) await this.issueCode(deviceId, now);
    const touched = [...new Set([...ended, ...stale])];
    if (touched.length > 0) await this.deps.refresh(touched);
    await this.arm();
    return touched;
  }

  /** Sets the timer for the next page end or code expiry. */
  private async arm(): Promise<void> {
    if (!this.running) return;
    const ends = [await this.repo.nextPageEnd(new Date(0).toISOString()), await this.repo.nextCodeExpiry()];
    // Checked again after the reads: stop() or another arm() may have run meanwhile.
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    const next = ends
      .filter((at): at is string => at !== null)
      .map((at) => Date.parse(at))
      .sort((a, b) => a - b)[0];
    const wait = next === undefined ? MAX_TIMER_MS : next - now.getTime();
    this.timer = setTimeout(
      () => {
        this.sweep().catch((error: Error) => this.log.error({ err: error.message }, 'counter sweep failed'));
      },
      Math.min(MAX_TIMER_MS, Math.max(0, wait)) + 50,
    );
    this.timer.unref();
  }

  // ---- internals -----------------------------------------------------------------------------

  private async isCounter(deviceId: string): Promise<boolean> {
    const profile: DeviceProfile = await this.deps.devices.profileOf(deviceId);
    return profile === 'counter';
  }

  private async wrongCode(client: string, now: Date): Promise<never> {
    const { triesLeft, rotateAll } = this.guard.fail(client, now.getTime());
    if (rotateAll) {
      const counters: string[] = [];
      for (const { deviceId } of await this.repo.allCodes()) {
        if (await this.isCounter(deviceId)) counters.push(deviceId);
      }
      this.log.warn({ screens: counters.length }, 'many wrong pairing codes: every counter code replaced');
      await this.rotate(counters, now);
    }
    throw new GatecastError(
      triesLeft === 0 ? 'RATE_LIMITED' : 'UNAUTHORIZED',
      triesLeft === 0
        ? `wrong pairing code; too many wrong codes from this device, try again in ${CLIENT_LOCK_MS / 60_000} min`
        : `wrong pairing code; check the code on the counter screen (${triesLeft} tries left)`,
    );
  }

  private async currentCode(deviceId: string, now: Date): Promise<CounterCode> {
    const code = await this.repo.code(deviceId);
    if (code && Date.parse(code.expiresAt) > now.getTime()) return code;
    return this.issueCode(deviceId, now);
  }

  private async currentPage(deviceId: string, now: Date): Promise<CounterPage | undefined> {
    const page = await this.repo.page(deviceId);
    if (!page || (page.until !== null && Date.parse(page.until) <= now.getTime())) return undefined;
    return { nodeId: page.nodeId, language: page.language, shownSince: page.shownSince, until: page.until };
  }

  /** A fresh random code, different from every code in use (the code alone names the screen). */
  private async issueCode(deviceId: string, now: Date): Promise<CounterCode> {
    let issued!: CounterCode;
    await this.withFreshCode(deviceId, now, async (code) => {
      await this.repo.saveCode(code);
      issued = code;
      return true;
    });
    await this.arm();
    return issued;
  }

  /**
   * Stores a fresh code through `save`. The codes in use are read before the write, so another
   * request may take the same value meanwhile: the unique index refuses it and a new one is drawn.
   */
  private async withFreshCode(
    deviceId: string,
    now: Date,
    save: (code: CounterCode) => Promise<boolean>,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const inUse = new Set((await this.repo.allCodes()).map((code) => code.code));
      let value: string;
      do value = String(randomInt(0, 1_000_000)).padStart(6, '0');
      while (inUse.has(value));
      const code = {
        deviceId,
        code: value,
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS).toISOString(),
      };
      try {
        return await save(code);
      } catch (error) {
        if (attempt >= 3 || !isConstraintError(error, 'unique')) throw error;
      }
    }
  }

  private async rotate(deviceIds: string[], now: Date): Promise<void> {
    for (const deviceId of deviceIds) await this.issueCode(deviceId, now);
    if (deviceIds.length > 0) await this.deps.refresh(deviceIds);
  }

  private async tabletOf(pairing: CounterPairing, device: DeviceRecord): Promise<PairedTablet> {
    const gate = await this.deps.gates.get(device.gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `gate ${device.gateId} does not exist`);
    return { pairing, device, gate };
  }
}
