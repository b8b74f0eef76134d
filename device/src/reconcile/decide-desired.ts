import type { DesiredDocument, Problem } from '@gatecast/protocol';

export type DesiredDecision =
  { action: 'apply' } | { action: 'no-op' } | { action: 'reject'; problem: Problem };

export interface DesiredContext {
  deviceId: string;
  /** Version of the last accepted document, null before the first one. */
  appliedVersion: number | null;
}

/**
 * Whether to apply an incoming desired document. Versions only move forward: an older one is a
 * replay or a stale retained message; the same one again is a no-op, so the screen is not
 * disturbed when the fleet republishes or the link reconnects.
 */
export function decideDesired(
  context: DesiredContext,
  incoming: Pick<DesiredDocument, 'deviceId' | 'version'>,
): DesiredDecision {
  if (incoming.deviceId !== context.deviceId) {
    return {
      action: 'reject',
      problem: { code: 'DEVICE_MISMATCH', message: `document is for ${incoming.deviceId}` },
    };
  }
  if (context.appliedVersion === null || incoming.version > context.appliedVersion)
    return { action: 'apply' };
  if (incoming.version === context.appliedVersion) return { action: 'no-op' };
  return {
    action: 'reject',
    problem: {
      code: 'STALE_DESIRED',
      message: `version ${incoming.version} is older than applied version ${context.appliedVersion}`,
    },
  };
}
