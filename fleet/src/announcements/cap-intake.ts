import { GatecastError } from '@gatecast/protocol';
import { scopeOf, type Principal } from '../users/permissions.js';
import type { AnnouncementTargets, AnnouncementTexts, ZoneTarget } from './announcement-model.js';
import type { AnnouncementsService, AnnouncementView } from './announcements-service.js';
import type { CapAlert, CapInfo } from './cap-alert.js';
import type { TemplatesRepo } from './templates-repo.js';

export const CAP_GATE = 'gatecast:gate';
export const CAP_ZONE = 'gatecast:zone';
export const CAP_TEMPLATE = 'gatecast:template';

export interface CapOutcome {
  outcome: 'fired' | 'awaiting-approval' | 'cancelled' | 'already-received';
  announcements: AnnouncementView[];
}

/** What a CAP alert asks for, in gatecast's terms. Pure. */
export interface CapRequest extends AnnouncementTexts {
  targets: AnnouncementTargets;
  template: string | null;
  startAt: string | null;
  expiresAt: string | null;
}

/**
 * Maps an alert: each <info> is one language (headline → title, description → body); areas
 * naming gates (geocode gatecast:gate, or an areaDesc that is a gate id) or zones (gatecast:zone
 * "gate/zone") are the targets, none means every gate the sender may fire at; the earliest
 * <expires> is the expiry and the earliest <onset> the start.
 */
export function capRequestOf(
  alert: CapAlert,
  knownGates: ReadonlySet<string>,
  scope: 'all' | string[],
): CapRequest {
  if (alert.infos.length === 0) throw new GatecastError('BAD_REQUEST', 'the alert has no <info> to show');
  const title: Record<string, string> = {};
  const body: Record<string, string> = {};
  for (const info of alert.infos) {
    if (body[info.language] !== undefined) continue; // the first <info> of a language wins
    body[info.language] = info.description ?? info.headline ?? info.event;
    if (info.description !== null && info.headline !== null) title[info.language] = info.headline;
  }
  const gates = new Set<string>();
  const zones: ZoneTarget[] = [];
  for (const area of alert.infos.flatMap((info) => info.areas)) {
    for (const code of area.geocodes) {
      if (code.valueName === CAP_GATE) gates.add(code.value);
      if (code.valueName === CAP_ZONE) zones.push(zoneOf(code.value));
    }
    if (knownGates.has(area.areaDesc)) gates.add(area.areaDesc);
  }
  let targets: AnnouncementTargets;
  if (gates.size > 0 || zones.length > 0) targets = { gates: [...gates], zones };
  else if (scope === 'all') targets = { all: true };
  else if (scope.length > 0) targets = { gates: scope };
  else throw new GatecastError('FORBIDDEN', 'this token may not fire announcements at any gate');
  return {
    title: Object.keys(title).length > 0 ? title : undefined,
    body,
    targets,
    template: templateOf(alert.infos),
    startAt: earliest(alert.infos.map((info) => info.onset)),
    expiresAt: earliest(alert.infos.map((info) => info.expires)),
  };
}

/**
 * Turns a parsed alert into announcements: Cancel cancels what the referenced alerts became; an
 * alert naming a published autoFire template fires it at once; anything else waits for a second
 * person's approval. A resent alert (same sender and identifier) changes nothing.
 */
export async function intakeCap(
  alert: CapAlert,
  principal: Principal,
  deps: {
    service: AnnouncementsService;
    templates: Pick<TemplatesRepo, 'find'>;
    gateIds: () => Promise<string[]>;
  },
): Promise<CapOutcome> {
  if (alert.status !== 'Actual') {
    throw new GatecastError(
      'BAD_REQUEST',
      `only Actual alerts reach the screens; this one is ${alert.status}`,
    );
  }
  if (alert.msgType === 'Ack' || alert.msgType === 'Error') {
    throw new GatecastError('BAD_REQUEST', `a CAP ${alert.msgType} message carries nothing to show`);
  }
  const { service } = deps;
  if (alert.msgType === 'Cancel') {
    if (alert.references.length === 0) {
      throw new GatecastError(
        'BAD_REQUEST',
        'a Cancel alert must name the alerts it cancels in <references>',
      );
    }
    const cancelled: AnnouncementView[] = [];
    for (const reference of alert.references) {
      cancelled.push(...(await service.cancelCap(principal, reference.sender, reference.identifier)));
    }
    return { outcome: 'cancelled', announcements: cancelled };
  }
  // A sender's resend arriving while the first copy is taken in must find what the first stored.
  return service.oneCapAtATime(alert.sender, alert.identifier, () => intakeNew(alert, principal, deps));
}

async function intakeNew(
  alert: CapAlert,
  principal: Principal,
  deps: {
    service: AnnouncementsService;
    templates: Pick<TemplatesRepo, 'find'>;
    gateIds: () => Promise<string[]>;
  },
): Promise<CapOutcome> {
  const { service } = deps;
  const already = await service.fromCap(alert.sender, alert.identifier);
  if (already.length > 0) {
    const now = new Date();
    const views: AnnouncementView[] = [];
    for (const announcement of already) views.push(await service.view(announcement, now));
    return { outcome: 'already-received', announcements: views };
  }
  const request = capRequestOf(
    alert,
    new Set(await deps.gateIds()),
    scopeOf(principal, 'announcements.fire'),
  );
  if (alert.msgType === 'Update') {
    // An update replaces what the earlier alerts became.
    for (const reference of alert.references) {
      await service.cancelCap(principal, reference.sender, reference.identifier).catch((error: unknown) => {
        if (!(error instanceof GatecastError && error.code === 'NOT_FOUND')) throw error;
      });
    }
  }
  const cap = { sender: alert.sender, identifier: alert.identifier };
  const timing = {
    ...(request.startAt ? { startAt: request.startAt } : {}),
    ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
  };
  const template = request.template === null ? undefined : await deps.templates.find(request.template);
  if (template && template.state === 'published' && template.autoFire) {
    const fired = await service.fire(principal, {
      template: template.id,
      targets: request.targets,
      ...timing,
    });
    await service.tagCap(fired.id, cap);
    return {
      outcome: 'fired',
      announcements: [{ ...fired, capSender: cap.sender, capIdentifier: cap.identifier }],
    };
  }
  const sent = await service.send(principal, {
    ...(request.title ? { title: request.title } : {}),
    body: request.body,
    targets: request.targets,
    ...timing,
    cap,
  });
  return { outcome: 'awaiting-approval', announcements: [sent] };
}

function templateOf(infos: CapInfo[]): string | null {
  for (const info of infos) {
    const code = info.eventCodes.find((pair) => pair.valueName === CAP_TEMPLATE);
    if (code) return code.value;
  }
  return null;
}

function zoneOf(value: string): ZoneTarget {
  const [gateId, zoneId, extra] = value.split('/');
  if (!gateId || !zoneId || extra !== undefined) {
    throw new GatecastError('BAD_REQUEST', `geocode ${CAP_ZONE} must be "gate/zone"; got ${value}`);
  }
  return { gateId, zoneId };
}

function earliest(times: Array<string | null>): string | null {
  const known = times.filter((time): time is string => time !== null).sort();
  return known[0] ?? null;
}
