import { describe, expect, it } from 'vitest';
import {
  can,
  PERMISSIONS,
  permissionsOf,
  ROLES,
  scopeOf,
  type Grant,
  type Permission,
  type Principal,
  type Role,
} from '../../../src/users/permissions.js';

const principal = (...grants: Grant[]): Principal => ({
  userId: 'usr_1',
  username: 'lan.nguyen',
  displayName: 'Nguyễn Thị Lan',
  grants,
  via: 'token',
  mustChangePassword: false,
});

/** The specification, one row per role (kept aligned as a table): ✓ = the role holds the permission. */
// prettier-ignore
const SPEC: Record<Role, Record<Permission, boolean>> = {
  // gates r/w, devices read/enrol/remove/command, users.manage, audit.read,
  // content read/write/approve/publish, announcements read/fire/approve/templates, reports.read,
  // alerts read/ack/manage, releases read/publish, rollouts read/manage
  admin: row(1, 1, 1, 1, 1, 1, 1, 1, /**/ 1, 1, 1, 1, /**/ 1, 1, 1, 1, /**/ 1, /**/ 1, 1, 1, /**/ 1, 1, /**/ 1, 1),
  operator: row(1, 0, 1, 1, 1, 1, 0, 1, /**/ 1, 0, 0, 1, /**/ 1, 1, 0, 0, /**/ 1, /**/ 1, 1, 1, /**/ 1, 0, /**/ 1, 1),
  technician: row(1, 0, 1, 1, 0, 1, 0, 0, /**/ 0, 0, 0, 0, /**/ 0, 0, 0, 0, /**/ 0, /**/ 1, 1, 0, /**/ 1, 0, /**/ 1, 0),
  editor: row(1, 0, 1, 0, 0, 0, 0, 0, /**/ 1, 1, 0, 1, /**/ 1, 0, 0, 1, /**/ 1, /**/ 1, 0, 0, /**/ 0, 0, /**/ 0, 0),
  approver: row(1, 0, 1, 0, 0, 0, 0, 1, /**/ 1, 0, 1, 1, /**/ 1, 0, 1, 0, /**/ 1, /**/ 1, 0, 0, /**/ 0, 0, /**/ 0, 0),
  'duty-officer': row(1, 0, 1, 0, 0, 0, 0, 0, /**/ 1, 0, 0, 0, /**/ 1, 1, 1, 0, /**/ 1, /**/ 1, 1, 0, /**/ 0, 0, /**/ 0, 0),
  viewer: row(1, 0, 1, 0, 0, 0, 0, 0, /**/ 1, 0, 0, 0, /**/ 1, 0, 0, 0, /**/ 1, /**/ 1, 0, 0, /**/ 0, 0, /**/ 0, 0),
};

function row(...flags: number[]): Record<Permission, boolean> {
  return Object.fromEntries(PERMISSIONS.map((permission, i) => [permission, flags[i] === 1])) as Record<
    Permission,
    boolean
  >;
}

const FLEET_WIDE: readonly Permission[] = ['users.manage', 'gates.write', 'releases.publish'];
const cases = ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission] as const));

describe('can: each role × permission × scope', () => {
  it('covers every role', () => {
    expect(Object.keys(SPEC).sort()).toEqual([...ROLES].sort());
  });

  it.each(cases)('%s on all gates: %s anywhere exactly when the role holds it', (role, permission) => {
    const p = principal({ role, gateId: null });
    const expected = SPEC[role][permission];
    expect(can(p, permission, null)).toBe(expected);
    expect(can(p, permission, 'cat-bi-airport')).toBe(expected);
    expect(can(p, permission, 'hai-phong-port')).toBe(expected);
  });

  it.each(cases)('%s at Cat Bi only: %s there, never at the port or fleet-wide', (role, permission) => {
    const p = principal({ role, gateId: 'cat-bi-airport' });
    const atGate = SPEC[role][permission] && !FLEET_WIDE.includes(permission);
    expect(can(p, permission, 'cat-bi-airport')).toBe(atGate);
    expect(can(p, permission, 'hai-phong-port')).toBe(false);
    expect(can(p, permission, null)).toBe(false);
  });

  it('denies everything to a user without grants', () => {
    for (const permission of PERMISSIONS) {
      expect(can(principal(), permission, null)).toBe(false);
      expect(can(principal(), permission, 'cat-bi-airport')).toBe(false);
    }
  });

  it('adds up several grants: a viewer everywhere who operates Cat Bi', () => {
    const p = principal({ role: 'viewer', gateId: null }, { role: 'operator', gateId: 'cat-bi-airport' });
    expect(can(p, 'devices.read', 'hai-phong-port')).toBe(true);
    expect(can(p, 'devices.remove', 'cat-bi-airport')).toBe(true);
    expect(can(p, 'devices.remove', 'hai-phong-port')).toBe(false);
    expect(can(p, 'audit.read', 'cat-bi-airport')).toBe(true);
    expect(can(p, 'audit.read', null)).toBe(false);
  });

  it('keeps gates.write and users.manage fleet-wide even for an admin of one gate', () => {
    const p = principal({ role: 'admin', gateId: 'cat-bi-airport' });
    expect(can(p, 'gates.write', 'cat-bi-airport')).toBe(false);
    expect(can(p, 'users.manage', 'cat-bi-airport')).toBe(false);
    expect(can(p, 'devices.remove', 'cat-bi-airport')).toBe(true);
  });
});

describe('scopeOf', () => {
  it("is 'all' with a grant on all gates, whatever else the user holds", () => {
    const p = principal({ role: 'technician', gateId: 'hai-phong-port' }, { role: 'viewer', gateId: null });
    expect(scopeOf(p, 'devices.read')).toBe('all');
    expect(scopeOf(p, 'devices.enrol')).toEqual(['hai-phong-port']);
  });

  it('lists the gates, sorted and once each, where a role grants the permission', () => {
    const p = principal(
      { role: 'operator', gateId: 'hai-phong-port' },
      { role: 'technician', gateId: 'cat-bi-airport' },
      { role: 'viewer', gateId: 'hai-phong-port' },
    );
    expect(scopeOf(p, 'devices.read')).toEqual(['cat-bi-airport', 'hai-phong-port']);
    expect(scopeOf(p, 'devices.remove')).toEqual(['hai-phong-port']);
    expect(scopeOf(p, 'audit.read')).toEqual(['hai-phong-port']);
  });

  it('is empty where no grant reaches, and for fleet-wide permissions held only at a gate', () => {
    const p = principal({ role: 'admin', gateId: 'cat-bi-airport' });
    expect(scopeOf(p, 'users.manage')).toEqual([]);
    expect(scopeOf(p, 'gates.write')).toEqual([]);
    expect(scopeOf(principal({ role: 'viewer', gateId: null }), 'devices.command')).toEqual([]);
  });

  it('gives every permission its scope in permissionsOf, the shape /me returns', () => {
    const p = principal({ role: 'operator', gateId: 'cat-bi-airport' });
    expect(permissionsOf(p)).toEqual({
      'gates.read': ['cat-bi-airport'],
      'gates.write': [],
      'devices.read': ['cat-bi-airport'],
      'devices.enrol': ['cat-bi-airport'],
      'devices.remove': ['cat-bi-airport'],
      'devices.command': ['cat-bi-airport'],
      'users.manage': [],
      'audit.read': ['cat-bi-airport'],
      'content.read': ['cat-bi-airport'],
      'content.write': [],
      'content.approve': [],
      'content.publish': ['cat-bi-airport'],
      'announcements.read': ['cat-bi-airport'],
      'announcements.fire': ['cat-bi-airport'],
      'announcements.approve': [],
      'announcements.templates': [],
      'reports.read': ['cat-bi-airport'],
      'alerts.read': ['cat-bi-airport'],
      'alerts.ack': ['cat-bi-airport'],
      'alerts.manage': ['cat-bi-airport'],
      'releases.read': ['cat-bi-airport'],
      'releases.publish': [],
      'rollouts.read': ['cat-bi-airport'],
      'rollouts.manage': ['cat-bi-airport'],
    });
  });
});
