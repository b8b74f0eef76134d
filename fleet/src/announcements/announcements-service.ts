import { GatecastError } from '@gatecast/protocol';
import type { Logger } from 'pino';
import { transition } from '../approval/approval-workflow.js';
import type { DeviceRecord } from '../devices/devices-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import { assertGlyphsCovered } from '../library/glyph-coverage.js';
import { can, type Permission, type Principal } from '../users/permissions.js';
import {
  activationWindow,
  checkTiming,
  entryIdOf,
  gatesOf,
  normaliseTargets,
  stateOf,
  targetsScreen,
  type Announcement,
  type AnnouncementState,
  type AnnouncementTargets,
  type AnnouncementTexts,
  type StoredStatus,
  type TimingRequest,
} from './announcement-model.js';
import type { AnnouncementsRepo, TargetedScreen } from './announcements-repo.js';
import { ExpirySweeper } from './expiry-sweeper.js';
import { receiptsOf, type ReceiptsView } from './receipts.js';
import type { TemplatesRepo } from './templates-repo.js';

/** How the screens hear of a change: only the targeted ones once the composer can, all before. */
export interface DesiredRefresher {
  refreshAll(): Promise<void>;
  refreshMany?(deviceIds: string[]): Promise<void>;
}

export interface AnnouncementsServiceDeps {
  announcements: AnnouncementsRepo;
  templates: TemplatesRepo;
  devices: { list(): Promise<DeviceRecord[]> };
  gates: Pick<GatesRepo, 'get'>;
  /** Late-bound: the fleet creates the desired service after this one (it composes our entries). */
  desired: () => DesiredRefresher | undefined;
  log: Logger;
  now?: () => Date;
}

export interface FireRequest extends TimingRequest {
  template: string;
  targets: AnnouncementTargets;
}

export interface SendRequest extends TimingRequest, AnnouncementTexts {
  targets: AnnouncementTargets;
  /** From a CAP alert: lets a later Cancel alert find this announcement. */
  cap?: { sender: string; identifier: string };
}

export interface AnnouncementView extends Announcement {
  state: AnnouncementState;
  entryId: string;
  /** Targeted screens and how many confirmed; 0/0 before it goes out. */
  targeted: number;
  shown: number;
}

/**
 * Urgent announcements: fire a published template, or send a free text that a second person
 * approves; cancel; expire. Every change recomposes the targeted screens' desired documents.
 * Authorisation is checked here, against every gate an announcement targets, so the HTTP API
 * and the CAP endpoint share one rule.
 */
export class AnnouncementsService {
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly expiry: ExpirySweeper;
  /** The CAP intake in progress per alert (sender, identifier). */
  private readonly capIntakes = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: AnnouncementsServiceDeps) {
    this.log = deps.log.child({ mod: 'announcements' });
    this.now = deps.now ?? (() => new Date());
    this.expiry = new ExpirySweeper({
      announcements: deps.announcements,
      refresh: (ids) => this.refresh(ids),
      now: this.now,
      log: this.log,
    });
  }

  /** Arms the expiry timer; what expired while the fleet was stopped shrinks at its first refresh. */
  start(): Promise<void> {
    return this.expiry.start();
  }

  stop(): void {
    this.expiry.stop();
  }

  /** Recomposes the screens of announcements that expired since the last sweep (the timer's job). */
  sweep(): Promise<void> {
    return this.expiry.sweep();
  }

  // ---- reading ---------------------------------------------------------------------------

  /** The announcements the caller may read (any targeted gate in their announcements.read scope). */
  async list(
    principal: Principal,
    filter: { state?: AnnouncementState[] } = {},
  ): Promise<AnnouncementView[]> {
    const now = this.now();
    // Narrowed in the store first: a live announcement is never pushed out of the page by old ones.
    const statuses = filter.state && [...new Set(filter.state.map(storedStatusOf))];
    const views: AnnouncementView[] = [];
    for (const announcement of await this.deps.announcements.list(statuses ? { statuses } : {})) {
      if (!this.mayRead(principal, announcement)) continue;
      const view = await this.view(announcement, now);
      if (!filter.state || filter.state.includes(view.state)) views.push(view);
    }
    return views;
  }

  async get(principal: Principal, id: string): Promise<AnnouncementView> {
    return this.view(await this.readable(principal, id), this.now());
  }

  async receipts(principal: Principal, id: string): Promise<ReceiptsView> {
    const announcement = await this.readable(principal, id);
    return this.receiptsView(announcement);
  }

  /** For the live stream, after the caller was checked once. */
  async receiptsView(announcement: Announcement): Promise<ReceiptsView> {
    const { announcements } = this.deps;
    return receiptsOf(
      announcement,
      await announcements.screensOf(announcement.id),
      await announcements.receiptsOf(announcement.id),
      this.now(),
    );
  }

  async readable(principal: Principal, id: string): Promise<Announcement> {
    const announcement = await this.deps.announcements.get(id);
    if (!announcement || !this.mayRead(principal, announcement)) {
      throw new GatecastError('NOT_FOUND', `no announcement ${id}`);
    }
    return announcement;
  }

  // ---- changing --------------------------------------------------------------------------

  /** A duty officer fires a published template: it goes out at once (or at startAt). */
  async fire(principal: Principal, request: FireRequest): Promise<AnnouncementView> {
    const targets = normaliseTargets(request.targets);
    this.require(principal, 'announcements.fire', targets);
    const template = await this.deps.templates.find(request.template);
    if (!template) throw new GatecastError('NOT_FOUND', `no announcement template ${request.template}`);
    if (template.state !== 'published') {
      throw new GatecastError(
        'CONFLICT',
        `template "${template.name}" is ${template.state}; only a published template can be fired`,
      );
    }
    const gates = gatesOf(targets);
    if (template.gateId !== null && (gates === null || gates.some((gate) => gate !== template.gateId))) {
      throw new GatecastError(
        'FORBIDDEN',
        `template "${template.name}" belongs to gate ${template.gateId} and may be fired only there`,
      );
    }
    await this.checkTargetsExist(targets);
    const now = this.now();
    const window = activationWindow(request, now);
    const created = await this.deps.announcements.create({
      ...this.blank(principal, now, request),
      templateId: template.id,
      title: template.title,
      body: template.body,
      targets,
    });
    const fired = await this.activate(created, window, now);
    // Only this request knows the new id: nothing else can have changed its status.
    if (!fired) throw new GatecastError('CONFLICT', `announcement ${created.id} changed while it was fired`);
    return fired;
  }

  /** A free text: stored awaiting a second person's approval (two-person rule). */
  async send(principal: Principal, request: SendRequest): Promise<AnnouncementView> {
    const targets = normaliseTargets(request.targets);
    this.require(principal, 'announcements.fire', targets);
    checkTexts(request);
    await this.checkTargetsExist(targets);
    const now = this.now();
    checkTiming(request, now);
    const created = await this.deps.announcements.create({
      ...this.blank(principal, now, request),
      title: request.title ?? {},
      body: request.body,
      targets,
      capIdentifier: request.cap?.identifier ?? null,
      capSender: request.cap?.sender ?? null,
    });
    this.log.info({ id: created.id, by: principal.username }, 'free-text announcement awaits approval');
    return this.view(created, now);
  }

  /** The second person: approving puts the announcement on the screens. */
  async approve(principal: Principal, id: string, comment: string | undefined): Promise<AnnouncementView> {
    const announcement = await this.awaiting(principal, id, 'approve');
    const reviewed = transition(asApprovalRecord(announcement), {
      action: 'approve',
      actorId: principal.userId,
      comment,
    });
    const now = this.now();
    const window = activationWindow(
      {
        startAt: announcement.requestedStartAt,
        expiresAt: announcement.requestedExpiresAt,
        durationSec: announcement.durationSec,
      },
      now,
    );
    const approved = await this.activate(
      {
        ...announcement,
        approvedBy: principal.userId,
        approvedByName: principal.username,
        reviewComment: reviewed.reviewComment,
      },
      window,
      now,
    );
    // Decided by another request meanwhile: asked again, it answers as if it had come second.
    return approved ?? this.approve(principal, id, comment);
  }

  async reject(principal: Principal, id: string, comment: string | undefined): Promise<AnnouncementView> {
    const announcement = await this.awaiting(principal, id, 'reject');
    const reviewed = transition(asApprovalRecord(announcement), {
      action: 'reject',
      actorId: principal.userId,
      comment,
    });
    const rejected: Announcement = {
      ...announcement,
      status: 'rejected',
      approvedBy: principal.userId,
      approvedByName: principal.username,
      reviewComment: reviewed.reviewComment,
    };
    if (!(await this.deps.announcements.update(rejected, 'awaiting-approval'))) {
      return this.reject(principal, id, comment);
    }
    return this.view(rejected, this.now());
  }

  /** Off the screens now, whatever state it was in (awaiting, scheduled or live). */
  async cancel(principal: Principal, id: string): Promise<AnnouncementView> {
    const announcement = await this.readable(principal, id);
    this.require(principal, 'announcements.fire', announcement.targets);
    const now = this.now();
    const state = stateOf(announcement, now);
    if (state === 'cancelled' || state === 'expired' || state === 'rejected') {
      throw new GatecastError('CONFLICT', `announcement ${id} is already ${state}`);
    }
    const cancelled: Announcement = {
      ...announcement,
      status: 'cancelled',
      cancelledAt: now.toISOString(),
      cancelledBy: principal.userId,
    };
    // Approved or cancelled by another request meanwhile: cancelled again from what it is now.
    if (!(await this.deps.announcements.update(cancelled, announcement.status)))
      return this.cancel(principal, id);
    this.log.info({ id, by: principal.username }, 'announcement cancelled');
    if (state === 'scheduled' || state === 'live') {
      const screens = (await this.deps.announcements.screensOf(id)).map((screen) => screen.deviceId);
      await this.refresh([
        ...new Set([...screens, ...(await this.targetedDevices(announcement.targets)).map((d) => d.id)]),
      ]);
      await this.expiry.arm();
    }
    return this.view(cancelled, now);
  }

  /** Cancels what a CAP sender's earlier alert became. NOT_FOUND when none did. */
  async cancelCap(principal: Principal, sender: string, identifier: string): Promise<AnnouncementView[]> {
    const found = (await this.deps.announcements.byCapReference(sender, identifier)).filter((announcement) =>
      this.mayRead(principal, announcement),
    );
    if (found.length === 0) {
      throw new GatecastError('NOT_FOUND', `no announcement came from alert ${identifier} of ${sender}`);
    }
    const now = this.now();
    const result: AnnouncementView[] = [];
    for (const announcement of found) {
      const state = stateOf(announcement, now);
      if (state === 'cancelled' || state === 'expired' || state === 'rejected') {
        result.push(await this.view(announcement, now));
        continue;
      }
      result.push(await this.cancel(principal, announcement.id));
    }
    return result;
  }

  /**
   * Runs `work` after any earlier work on the same CAP alert in this process has ended, so that
   * "already received?" and storing the announcement are one step again, as when the store was
   * synchronous. (Across processes a resend can still race: see the store-move report.)
   */
  async oneCapAtATime<T>(sender: string, identifier: string, work: () => Promise<T>): Promise<T> {
    const key = JSON.stringify([sender, identifier]);
    const mine = (this.capIntakes.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.capIntakes.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.capIntakes.get(key) === mine) this.capIntakes.delete(key);
    }
  }

  /** A CAP alert already turned into announcements (a resend): answered with the same ones. */
  fromCap(sender: string, identifier: string): Promise<Announcement[]> {
    return this.deps.announcements.byCapReference(sender, identifier);
  }

  /** Marks an announcement fired from a CAP alert with the alert's reference. */
  async tagCap(id: string, cap: { sender: string; identifier: string }): Promise<void> {
    // Only the two columns: a cancel that came meanwhile stays cancelled.
    await this.deps.announcements.tagCap(id, cap);
  }

  async view(announcement: Announcement, now: Date): Promise<AnnouncementView> {
    const counts =
      announcement.firedAt === null
        ? { targeted: 0, shown: 0 }
        : await this.deps.announcements.counts(announcement.id);
    return {
      ...announcement,
      state: stateOf(announcement, now),
      entryId: entryIdOf(announcement.id),
      ...counts,
    };
  }

  // ---- internals -------------------------------------------------------------------------

  /** Undefined when the announcement no longer awaits (another request decided it meanwhile). */
  private async activate(
    announcement: Announcement,
    window: { startsAt: string; expiresAt: string },
    now: Date,
  ): Promise<AnnouncementView | undefined> {
    const devices = await this.targetedDevices(announcement.targets);
    const active: Announcement = { ...announcement, status: 'active', ...window, firedAt: now.toISOString() };
    const screens: TargetedScreen[] = devices.map((device) => ({
      deviceId: device.id,
      deviceName: device.name,
      gateId: device.gateId,
      zoneId: device.zoneId,
    }));
    if (!(await this.deps.announcements.activate(active, screens, 'awaiting-approval'))) return undefined;
    this.log.info(
      { id: active.id, screens: screens.length, startsAt: active.startsAt, expiresAt: active.expiresAt },
      'announcement fired',
    );
    await this.refresh(devices.map((device) => device.id));
    await this.expiry.arm();
    return this.view(active, now);
  }

  private async awaiting(
    principal: Principal,
    id: string,
    action: 'approve' | 'reject',
  ): Promise<Announcement> {
    const announcement = await this.readable(principal, id);
    this.require(principal, 'announcements.approve', announcement.targets);
    if (announcement.status !== 'awaiting-approval') {
      throw new GatecastError(
        'CONFLICT',
        `announcement ${id} is ${stateOf(announcement, this.now())}; only one awaiting approval can be ${action}d`,
      );
    }
    if (announcement.createdBy === principal.userId) {
      throw new GatecastError(
        'FORBIDDEN',
        `two-person rule: ${principal.username} wrote this announcement and cannot ${action} it; another person with announcements.approve must`,
      );
    }
    return announcement;
  }

  private blank(
    principal: Principal,
    now: Date,
    timing: TimingRequest,
  ): Omit<Announcement, 'id' | 'title' | 'body' | 'targets'> {
    return {
      templateId: null,
      status: 'awaiting-approval',
      createdBy: principal.userId,
      createdByName: principal.username,
      createdAt: now.toISOString(),
      approvedBy: null,
      approvedByName: null,
      reviewComment: null,
      requestedStartAt: timing.startAt ?? null,
      requestedExpiresAt: timing.expiresAt ?? null,
      durationSec: timing.durationSec ?? null,
      startsAt: null,
      expiresAt: null,
      firedAt: null,
      cancelledAt: null,
      cancelledBy: null,
      capIdentifier: null,
      capSender: null,
    };
  }

  /** FORBIDDEN unless the permission holds at every targeted gate ("all" needs a fleet-wide grant). */
  private require(principal: Principal, permission: Permission, targets: AnnouncementTargets): void {
    const gates = gatesOf(targets);
    if (gates === null) {
      if (!can(principal, permission, null)) {
        throw new GatecastError('FORBIDDEN', `${principal.username} may not ${permission} on all gates`);
      }
      return;
    }
    const outside = gates.filter((gate) => !can(principal, permission, gate));
    if (outside.length > 0) {
      throw new GatecastError(
        'FORBIDDEN',
        `${principal.username} may not ${permission} at gate ${outside.join(', ')}`,
      );
    }
  }

  private mayRead(principal: Principal, announcement: Announcement): boolean {
    const gates = gatesOf(announcement.targets);
    if (gates === null) return can(principal, 'announcements.read', null);
    return gates.some((gate) => can(principal, 'announcements.read', gate));
  }

  private async checkTargetsExist(targets: AnnouncementTargets): Promise<void> {
    for (const gateId of targets.gates ?? []) {
      if (!(await this.deps.gates.get(gateId)))
        throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    }
    for (const { gateId, zoneId } of targets.zones ?? []) {
      const gate = await this.deps.gates.get(gateId);
      if (!gate) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
      if (!gate.zones.some((zone) => zone.id === zoneId)) {
        throw new GatecastError('NOT_FOUND', `gate ${gateId} has no zone ${zoneId}`);
      }
    }
  }

  private async targetedDevices(targets: AnnouncementTargets): Promise<DeviceRecord[]> {
    return (await this.deps.devices.list()).filter((device) => targetsScreen(targets, device));
  }

  private async refresh(deviceIds: string[]): Promise<void> {
    const desired = this.deps.desired();
    if (!desired || deviceIds.length === 0) return;
    try {
      if (desired.refreshMany) await desired.refreshMany(deviceIds);
      else await desired.refreshAll();
    } catch (error) {
      // The announcement is stored; the next refresh (fleet start, any change) publishes it.
      this.log.error({ err: (error as Error).message, screens: deviceIds.length }, 'screens not refreshed');
    }
  }
}

function storedStatusOf(state: AnnouncementState): StoredStatus {
  return state === 'scheduled' || state === 'live' || state === 'expired' ? 'active' : state;
}

function checkTexts(texts: AnnouncementTexts): void {
  assertGlyphsCovered(texts.body, 'announcement text');
  if (texts.title) assertGlyphsCovered(texts.title, 'announcement title');
}

export function checkTemplateTexts(texts: AnnouncementTexts): void {
  assertGlyphsCovered(texts.body, 'template text');
  if (texts.title) assertGlyphsCovered(texts.title, 'template title');
}

/** A free text awaiting approval is, for the workflow, submitted work of its writer. */
function asApprovalRecord(announcement: Announcement) {
  return {
    state: 'submitted' as const,
    revision: 1,
    authorId: announcement.createdBy,
    reviewerId: null,
    reviewComment: null,
  };
}
