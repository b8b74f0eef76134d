import { useState, type FormEvent } from 'react';
import type { Gate, Grant, Role } from '../api/types.js';
import { ALL_GATES, RoleGateSelect, gateIdOf, gateLabel } from '../components/role-gate-select.js';
import { useI18n } from '../i18n/i18n.js';

/** A user's roles as chips, each with a button that revokes it. */
export function GrantList(props: { grants: Grant[]; gates: readonly Gate[]; onRevoke?(grant: Grant): void }) {
  const { t } = useI18n();
  const { grants, gates, onRevoke } = props;
  return (
    <ul className="grants">
      {grants.length === 0 && <li className="muted">{t('users.noGrants')}</li>}
      {grants.map((grant) => {
        const role = t(`role.${grant.role}`);
        const where = gateLabel(grant.gateId, gates, t('users.allGates'));
        const revoke = t('users.revoke', { role, gate: where });
        return (
          <li key={`${grant.role}@${grant.gateId ?? ALL_GATES}`} className="grant">
            <span>
              {role} · {where}
            </span>
            {onRevoke && (
              <button
                type="button"
                className="grant-revoke"
                aria-label={revoke}
                title={revoke}
                onClick={() => onRevoke(grant)}
              >
                ×
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** Picks a role and where it applies, then grants it. */
export function GrantForm(props: { username: string; gates: readonly Gate[]; onGrant(grant: Grant): void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role | ''>('viewer');
  const [gate, setGate] = useState(ALL_GATES);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (role !== '') props.onGrant({ role, gateId: gateIdOf(gate) });
  };
  return (
    <form className="form form-row grant-form" onSubmit={submit}>
      <RoleGateSelect
        role={role}
        gate={gate}
        onRole={setRole}
        onGate={setGate}
        gates={props.gates}
        idPrefix={`grant-${props.username}`}
      />
      <button type="submit" className="button button-primary">
        {t('users.grant')}
      </button>
    </form>
  );
}
