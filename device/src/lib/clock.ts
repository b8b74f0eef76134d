/** Time as the agent sees it; injected so tests can pin "now" without touching timers. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
