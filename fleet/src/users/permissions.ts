/**
 * Who may do what, where. Pure: the HTTP layer asks `can` and `scopeOf`, nothing else decides.
 * Deny by default: a permission a role does not list is refused, and a grant on one gate never
 * reaches another gate or a fleet-wide action.
 */
export const ROLES = [
  'admin',
  'operator',
  'editor',
  'approver',
  'duty-officer',
  'technician',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'gates.read',
  'gates.write',
  'devices.read',
  'devices.enrol',
  'devices.remove',
  'devices.command',
  'users.manage',
  'audit.read',
  // Content: the media library, items, playlists and schedules. Authors write and submit;
  // approvers approve or reject (never their own work); publishing puts approved work on screens.
  'content.read',
  'content.write',
  'content.approve',
  'content.publish',
  // Urgent announcements: fire a template or draft a free text; approve another's free text.
  'announcements.read',
  'announcements.fire',
  'announcements.approve',
  // Announcement templates are content: written by editors, approved by approvers.
  'announcements.templates',
  'reports.read',
  // Health alerts: see them, acknowledge them, and tune rules and chat channels. A channel holds a
  // webhook secret and serves every gate, so channels need alerts.manage on all gates.
  'alerts.read',
  'alerts.ack',
  'alerts.manage',
  // Agent releases: see them (and fetch their artifacts); publish one, which is fleet-wide.
  'releases.read',
  'releases.publish',
  // Rollouts take screens to a release, wave by wave: gate-scoped, so an operator of one gate can
  // update that gate's screens (and set its maintenance window) but no other gate's.
  'rollouts.read',
  'rollouts.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A role held at one gate, or at every gate when gateId is null. */
export interface Grant {
  role: Role;
  gateId: string | null;
}

/** The caller of one request, resolved from its session cookie or its API token. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  grants: Grant[];
  via: 'session' | 'token';
  mustChangePassword: boolean;
}

const READ_ONLY: readonly Permission[] = [
  'gates.read',
  'devices.read',
  'content.read',
  'announcements.read',
  'reports.read',
  'alerts.read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operator: [
    'gates.read',
    'devices.read',
    'devices.enrol',
    'devices.remove',
    'devices.command',
    'audit.read',
    'content.read',
    'content.publish',
    'announcements.read',
    'announcements.fire',
    'reports.read',
    'alerts.read',
    'alerts.ack',
    'alerts.manage',
    'releases.read',
    'rollouts.read',
    'rollouts.manage',
  ],
  technician: [
    'gates.read',
    'devices.read',
    'devices.enrol',
    'devices.command',
    'alerts.read',
    'alerts.ack',
    'releases.read',
    'rollouts.read',
  ],
  editor: [...READ_ONLY, 'content.write', 'content.publish', 'announcements.templates'],
  approver: [...READ_ONLY, 'content.approve', 'content.publish', 'announcements.approve', 'audit.read'],
  'duty-officer': [...READ_ONLY, 'announcements.fire', 'announcements.approve', 'alerts.ack'],
  viewer: READ_ONLY,
};

/** Actions on the fleet as a whole: only a grant on all gates carries them, whatever gate is named. */
export const FLEET_WIDE_PERMISSIONS: ReadonlySet<Permission> = new Set([
  'users.manage',
  'gates.write',
  'releases.publish',
]);

function grants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** gateId null asks for a fleet-wide action, which needs a grant on all gates. */
export function can(principal: Principal, permission: Permission, gateId: string | null): boolean {
  const fleetWide = gateId === null || FLEET_WIDE_PERMISSIONS.has(permission);
  return principal.grants.some(
    (grant) =>
      grants(grant.role, permission) && (grant.gateId === null || (!fleetWide && grant.gateId === gateId)),
  );
}

/** The gates where the permission holds: 'all', or a sorted list of gate ids ([] = nowhere). */
export function scopeOf(principal: Principal, permission: Permission): 'all' | string[] {
  const gates = new Set<string>();
  for (const grant of principal.grants) {
    if (!grants(grant.role, permission)) continue;
    if (grant.gateId === null) return 'all';
    if (!FLEET_WIDE_PERMISSIONS.has(permission)) gates.add(grant.gateId);
  }
  return [...gates].sort();
}

/** True when the scope includes the gate. */
export function inScope(scope: 'all' | string[], gateId: string): boolean {
  return scope === 'all' || scope.includes(gateId);
}

/** Every permission with its scope: what the dashboard shows and hides. */
export function permissionsOf(principal: Principal): Record<Permission, 'all' | string[]> {
  return Object.fromEntries(
    PERMISSIONS.map((permission) => [permission, scopeOf(principal, permission)]),
  ) as Record<Permission, 'all' | string[]>;
}
