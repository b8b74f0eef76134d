import type { Problem } from '@gatecast/protocol';
import type { Frame } from './frame.js';
import {
  DEFAULT_BLACK_POLICY,
  DEFAULT_STILL_TOLERANCE,
  isBlack,
  isStill,
  type BlackPolicy,
} from './frame-detectors.js';

export type DisplayCode = 'DISPLAY_BLACK' | 'DISPLAY_FROZEN';
export type Recovery = 'reload' | 'restart-browser';

export interface AssessorPolicy {
  black: BlackPolicy;
  stillTolerance: number;
  /** Consecutive black captures, while content is scheduled, that make an episode (and a reload). */
  blackAfter: number;
  /** Captures in a row showing the same picture, while it should move, that make an episode. */
  frozenAfter: number;
  /**
   * Captures in a row with content that end a black episode. More than one, so a page that flashes
   * content after a reload and goes black again escalates to a new browser instead of reloading forever.
   */
  clearAfter: number;
}

export const DEFAULT_ASSESSOR_POLICY: AssessorPolicy = {
  black: DEFAULT_BLACK_POLICY,
  stillTolerance: DEFAULT_STILL_TOLERANCE,
  blackAfter: 2,
  frozenAfter: 3,
  clearAfter: 2,
};

/** One capture and what the schedule says the screen should do at that moment. */
export interface Observation {
  frame: Frame;
  at: Date;
  /** The player shows its plan: black is a fault, not a page still loading. */
  contentExpected: boolean;
  /** A video or a ticker is on screen: a picture that does not change is a fault. */
  motionExpected: boolean;
}

export interface AssessorState {
  previous: Frame | null;
  blackCaptures: number;
  /** Captures in a row that were not black. */
  shownCaptures: number;
  stillCaptures: number;
  /** Recovery steps taken in the current black episode: 0 none, 1 reloaded, 2 browser restarted. */
  recoveries: number;
  black: boolean | null;
  frozen: boolean | null;
  blackEpisode: boolean;
  frozenEpisode: boolean;
  checkedAt: string | null;
}

/** Something worth an event: an episode began or cleared, or a recovery is being tried. */
export interface Notice {
  code: DisplayCode;
  change: 'began' | 'cleared' | 'recovery';
  message: string;
}

export interface Assessment {
  state: AssessorState;
  notices: Notice[];
  recovery: Recovery | null;
}

export const INITIAL_ASSESSOR_STATE: AssessorState = {
  previous: null,
  blackCaptures: 0,
  shownCaptures: 0,
  stillCaptures: 0,
  recoveries: 0,
  black: null,
  frozen: null,
  blackEpisode: false,
  frozenEpisode: false,
  checkedAt: null,
};

/**
 * Pure: folds one capture into the display state. Black counts only while content is scheduled;
 * frozen only while something should move and the picture is not black (black is the worse news).
 * A black episode escalates once per step: a page reload, then a browser restart, then it waits.
 */
export function assess(
  state: AssessorState,
  observation: Observation,
  policy: AssessorPolicy = DEFAULT_ASSESSOR_POLICY,
): Assessment {
  const black = isBlack(observation.frame, policy.black);
  const base: AssessorState = {
    ...state,
    previous: observation.frame,
    black,
    checkedAt: observation.at.toISOString(),
  };
  const blackStep = assessBlack(state, base, observation.contentExpected, policy);
  const frozenStep = assessFrozen(state, blackStep.state, observation, policy);
  return {
    state: frozenStep.state,
    notices: [...blackStep.notices, ...frozenStep.notices],
    recovery: blackStep.recovery,
  };
}

function assessBlack(
  before: AssessorState,
  next: AssessorState,
  expected: boolean,
  policy: AssessorPolicy,
): Assessment {
  const blackCaptures = next.black === true && expected ? before.blackCaptures + 1 : 0;
  const shownCaptures = next.black === false ? before.shownCaptures + 1 : 0;
  const state = { ...next, blackCaptures, shownCaptures };
  if (blackCaptures < policy.blackAfter) {
    if (!before.blackEpisode || shownCaptures < policy.clearAfter)
      return { state, notices: [], recovery: null };
    const cleared: Notice = {
      code: 'DISPLAY_BLACK',
      change: 'cleared',
      message: 'cleared: the screen shows content again',
    };
    return { state: { ...state, blackEpisode: false, recoveries: 0 }, notices: [cleared], recovery: null };
  }
  const notices = before.blackEpisode ? [] : [blackBegan(blackCaptures)];
  const recovery = nextRecovery(before.recoveries);
  if (!recovery) return { state: { ...state, blackEpisode: true }, notices, recovery };
  // The count starts again, so the next step waits as many captures to see whether this one worked.
  const recovered = { ...state, blackEpisode: true, blackCaptures: 0, recoveries: before.recoveries + 1 };
  return { state: recovered, notices: [...notices, recoveryNotice(recovery)], recovery };
}

function assessFrozen(
  before: AssessorState,
  next: AssessorState,
  observation: Observation,
  policy: AssessorPolicy,
): Omit<Assessment, 'recovery'> {
  const moving = observation.motionExpected && next.black === false;
  const same = before.previous !== null && isStill(before.previous, observation.frame, policy.stillTolerance);
  const stillCaptures = moving && same ? before.stillCaptures + 1 : 0;
  const frozen = stillCaptures >= policy.frozenAfter - 1;
  const state = { ...next, stillCaptures, frozen, frozenEpisode: frozen };
  if (frozen && !before.frozenEpisode) return { state, notices: [frozenBegan(policy.frozenAfter)] };
  if (!frozen && before.frozenEpisode) {
    const cleared: Notice = {
      code: 'DISPLAY_FROZEN',
      change: 'cleared',
      message: 'cleared: the picture moves again',
    };
    return { state, notices: [cleared] };
  }
  return { state, notices: [] };
}

/** The problems the reported state carries while an episode lasts. */
export function displayProblems(state: AssessorState): Problem[] {
  const problems: Problem[] = [];
  if (state.blackEpisode) {
    problems.push({ code: 'DISPLAY_BLACK', message: 'the screen shows black while content is scheduled' });
  }
  if (state.frozenEpisode) {
    problems.push({
      code: 'DISPLAY_FROZEN',
      message: 'the picture has not changed while a video or ticker plays',
    });
  }
  return problems;
}

/** A reload when the episode begins, then a browser restart; after that only a person can help. */
function nextRecovery(done: number): Recovery | null {
  if (done === 0) return 'reload';
  if (done === 1) return 'restart-browser';
  return null;
}

function blackBegan(captures: number): Notice {
  const message = `the screen showed black in ${captures} checks in a row while content is scheduled`;
  return { code: 'DISPLAY_BLACK', change: 'began', message };
}

function frozenBegan(captures: number): Notice {
  const message = `the picture stayed the same in ${captures} checks in a row while a video or ticker plays`;
  return { code: 'DISPLAY_FROZEN', change: 'began', message };
}

function recoveryNotice(recovery: Recovery): Notice {
  const what = recovery === 'reload' ? 'reloading the player page' : 'restarting the browser';
  return { code: 'DISPLAY_BLACK', change: 'recovery', message: `recovery: ${what}` };
}
