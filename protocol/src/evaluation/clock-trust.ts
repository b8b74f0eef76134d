/**
 * Whether the wall clock can drive the schedule. A clock earlier than the agent's own build is
 * certainly wrong (a board without RTC boots in 1970); `synchronized: false` means NTP never
 * succeeded. `null` means the system cannot tell us, which alone is no reason to distrust it.
 */
export function isClockTrusted(input: { now: Date; buildTime: Date; synchronized: boolean | null }): boolean {
  const now = input.now.getTime();
  if (!Number.isFinite(now) || now < input.buildTime.getTime()) return false;
  return input.synchronized !== false;
}
