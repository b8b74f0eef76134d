import type { CounterPage, DesiredDocument } from '@gatecast/protocol';

/** Until the desired document says otherwise: a traveller who walked away a minute ago is gone. */
export const DEFAULT_IDLE_MS = 60_000;

/** What the page needs besides the schedule: the profile, the cached bundle, the pushed page. */
export interface KioskPlan {
  profile: DesiredDocument['device']['profile'];
  /** The bundle on the local server, or null while it is not cached (or there is none). */
  info: { src: string; version: number } | null;
  /** The kiosk's language at start and after every idle reset: the screen's first. */
  firstLanguage: string;
  idleMs: number;
  /** On a counter screen, the page its staff pushed, while it is due. */
  counterPage: { nodeId: string; language: string; until: string | null } | null;
  /** On a counter screen, the code its staff pair their tablet with. */
  pairingCode: string | null;
}

export interface KioskPlanInput {
  now: Date;
  /** Whether a file is verified in the local cache. */
  cached(sha256: string): boolean;
  idleMs?: number;
}

/** Pure: the kiosk part of the page's plan for this instant. */
export function buildKioskPlan(desired: DesiredDocument, input: KioskPlanInput): KioskPlan {
  const profile = desired.device.profile;
  const tree = desired.content.infoTree;
  const info =
    tree && input.cached(tree.sha256) ? { src: `/media/${tree.sha256}`, version: tree.version } : null;
  const counter = profile === 'counter' ? activeCounterPage(desired.content.counterPage, input.now) : null;
  return {
    profile,
    info,
    firstLanguage: desired.display.languages[0] ?? desired.display.locale,
    idleMs: input.idleMs ?? DEFAULT_IDLE_MS,
    counterPage:
      counter && info ? { nodeId: counter.nodeId, language: counter.language, until: counter.until } : null,
    pairingCode: profile === 'counter' ? (desired.display.pairingCode ?? null) : null,
  };
}

/** Pure: the pushed page if it is due now (from `shownSince`, before `until`), else null. */
export function activeCounterPage(page: CounterPage | undefined, now: Date): CounterPage | null {
  if (!page) return null;
  const at = now.getTime();
  if (Date.parse(page.shownSince) > at) return null;
  if (page.until !== null && Date.parse(page.until) <= at) return null;
  return page;
}

/** Pure: when the counter page next appears or leaves, if that is after `now`; else null. */
export function nextCounterChange(desired: DesiredDocument, now: Date): Date | null {
  const page = desired.device.profile === 'counter' ? desired.content.counterPage : undefined;
  if (!page) return null;
  const times = [Date.parse(page.shownSince), page.until === null ? NaN : Date.parse(page.until)];
  const future = times.filter((time) => Number.isFinite(time) && time > now.getTime());
  return future.length === 0 ? null : new Date(Math.min(...future));
}

/** The earlier of two wake-up times, null meaning "none". */
export function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
