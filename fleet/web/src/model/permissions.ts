import type { Me, Permission } from '../api/types.js';

/**
 * Whether the signed-in user may do this at this gate (null = a fleet-wide action, which needs the
 * permission on all gates). The fleet decides again on every request; this only hides buttons.
 */
export function allows(me: Pick<Me, 'permissions'>, permission: Permission, gateId: string | null): boolean {
  const scope = me.permissions[permission];
  if (scope === 'all') return true;
  return gateId !== null && scope.includes(gateId);
}

/** Whether the user holds the permission anywhere (for showing a page at all). */
export function allowsSomewhere(me: Pick<Me, 'permissions'>, permission: Permission): boolean {
  const scope = me.permissions[permission];
  return scope === 'all' || scope.length > 0;
}
