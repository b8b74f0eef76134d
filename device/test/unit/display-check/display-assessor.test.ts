import { describe, expect, it } from 'vitest';
import {
  assess,
  displayProblems,
  INITIAL_ASSESSOR_STATE,
  type Assessment,
  type AssessorState,
  type Observation,
} from '../../../src/display-check/display-assessor.js';
import type { Frame } from '../../../src/display-check/frame.js';
import { solid, withBox } from './synthetic-frames.js';

const BLACK = solid(64, 36, [0, 0, 0]);
const CONTENT = withBox(
  solid(64, 36, [0x0b, 0x1f, 0x33]),
  { x: 10, y: 10, width: 20, height: 8 },
  [255, 255, 255],
);
/** A ticker scrolling: a different frame each time. */
const tickerAt = (step: number): Frame =>
  withBox(solid(64, 36, [0x0b, 0x1f, 0x33]), { x: step * 3, y: 30, width: 12, height: 4 }, [255, 255, 255]);

const T0 = Date.parse('2026-11-26T08:00:00Z');

/** Feeds captures in order, 30 s apart, and returns every assessment. */
function run(
  captures: Array<Partial<Observation> & { frame: Frame }>,
  state: AssessorState = INITIAL_ASSESSOR_STATE,
): Assessment[] {
  const results: Assessment[] = [];
  captures.forEach((capture, index) => {
    const observation = {
      at: new Date(T0 + index * 30_000),
      contentExpected: true,
      motionExpected: false,
      ...capture,
    };
    const result = assess(state, observation);
    results.push(result);
    state = result.state;
  });
  return results;
}

const changes = (results: Assessment[]): string[] =>
  results.flatMap((result) => result.notices.map((notice) => `${notice.code} ${notice.change}`));

describe('a black screen while content is scheduled', () => {
  it('is one black capture: reported in telemetry, but no episode yet (a transition may pass through black)', () => {
    const [first] = run([{ frame: BLACK }]);
    expect(first!.state).toMatchObject({
      black: true,
      blackEpisode: false,
      checkedAt: new Date(T0).toISOString(),
    });
    expect(first!.notices).toEqual([]);
    expect(first!.recovery).toBeNull();
  });

  it('after two black captures is an episode: one event, a DISPLAY_BLACK problem, and a page reload', () => {
    const results = run([{ frame: BLACK }, { frame: BLACK }]);
    const last = results.at(-1)!;
    expect(changes(results)).toEqual(['DISPLAY_BLACK began', 'DISPLAY_BLACK recovery']);
    expect(last.recovery).toBe('reload');
    expect(displayProblems(last.state).map((problem) => problem.code)).toEqual(['DISPLAY_BLACK']);
  });

  it('still black after the reload: the browser is restarted; still black after that: nothing more is tried', () => {
    const results = run(Array.from({ length: 8 }, () => ({ frame: BLACK })));
    expect(results.map((result) => result.recovery)).toEqual([
      null,
      'reload',
      null,
      'restart-browser',
      null,
      null,
      null,
      null,
    ]);
    expect(changes(results).filter((change) => change.endsWith('began'))).toHaveLength(1);
    expect(displayProblems(results.at(-1)!.state)).toHaveLength(1);
  });

  it('clears with one event when content shows again, and a later episode starts from a reload again', () => {
    const results = run([
      { frame: BLACK },
      { frame: BLACK },
      { frame: CONTENT },
      { frame: CONTENT },
      { frame: BLACK },
      { frame: BLACK },
    ]);
    expect(changes(results)).toEqual([
      'DISPLAY_BLACK began',
      'DISPLAY_BLACK recovery',
      'DISPLAY_BLACK cleared',
      'DISPLAY_BLACK began',
      'DISPLAY_BLACK recovery',
    ]);
    expect(displayProblems(results[3]!.state)).toEqual([]);
    expect(results.at(-1)!.recovery).toBe('reload');
  });

  it('is not cleared by one capture of content after the reload: it goes on to a new browser', () => {
    const results = run([
      { frame: BLACK },
      { frame: BLACK },
      { frame: CONTENT },
      { frame: BLACK },
      { frame: BLACK },
    ]);
    expect(results.map((result) => result.recovery)).toEqual([null, 'reload', null, null, 'restart-browser']);
    expect(changes(results)).toEqual([
      'DISPLAY_BLACK began',
      'DISPLAY_BLACK recovery',
      'DISPLAY_BLACK recovery',
    ]);
    expect(displayProblems(results[2]!.state).map((problem) => problem.code)).toEqual(['DISPLAY_BLACK']);
  });

  it('is no fault while the player is not showing its plan yet (a browser starting shows black)', () => {
    const results = run(Array.from({ length: 4 }, () => ({ frame: BLACK, contentExpected: false })));
    expect(changes(results)).toEqual([]);
    expect(results.at(-1)!.state).toMatchObject({ black: true, blackEpisode: false });
  });
});

describe('a frozen picture while a video or ticker plays', () => {
  it('is an episode after three identical captures, with one event and a DISPLAY_FROZEN problem', () => {
    const results = run(Array.from({ length: 5 }, () => ({ frame: CONTENT, motionExpected: true })));
    expect(results.map((result) => result.state.frozen)).toEqual([false, false, true, true, true]);
    expect(changes(results)).toEqual(['DISPLAY_FROZEN began']);
    expect(displayProblems(results.at(-1)!.state).map((problem) => problem.code)).toEqual(['DISPLAY_FROZEN']);
    expect(results.every((result) => result.recovery === null)).toBe(true);
  });

  it('clears with one event when the picture moves again', () => {
    const results = run([
      ...Array.from({ length: 3 }, () => ({ frame: CONTENT, motionExpected: true })),
      { frame: tickerAt(1), motionExpected: true },
    ]);
    expect(changes(results)).toEqual(['DISPLAY_FROZEN began', 'DISPLAY_FROZEN cleared']);
    expect(results.at(-1)!.state.frozen).toBe(false);
  });

  it('is never raised by a moving ticker', () => {
    const results = run(
      Array.from({ length: 6 }, (_, step) => ({ frame: tickerAt(step), motionExpected: true })),
    );
    expect(changes(results)).toEqual([]);
  });

  it('is never raised by a still image, which is meant to stand still', () => {
    const results = run(Array.from({ length: 6 }, () => ({ frame: CONTENT, motionExpected: false })));
    expect(results.every((result) => result.state.frozen === false)).toBe(true);
    expect(changes(results)).toEqual([]);
  });

  it('is not reported on top of a black screen: black is the worse news', () => {
    const results = run(Array.from({ length: 4 }, () => ({ frame: BLACK, motionExpected: true })));
    expect(changes(results).some((change) => change.startsWith('DISPLAY_FROZEN'))).toBe(false);
  });
});
