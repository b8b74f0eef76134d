import { ROLES, type Gate, type Role } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** The gate select's value for "all gates" (a real gate id is a slug and can never be this). */
export const ALL_GATES = '*';

export function gateIdOf(value: string): string | null {
  return value === ALL_GATES ? null : value;
}

export function gateLabel(gateId: string | null, gates: readonly Gate[], allGates: string): string {
  if (gateId === null) return allGates;
  return gates.find((gate) => gate.id === gateId)?.name ?? gateId;
}

interface Props {
  role: Role | '';
  gate: string;
  onRole(role: Role | ''): void;
  onGate(gate: string): void;
  gates: readonly Gate[];
  allowNoRole?: boolean;
  idPrefix: string;
}

/** A role and where it applies: one gate or all gates. */
export function RoleGateSelect({ role, gate, onRole, onGate, gates, allowNoRole, idPrefix }: Props) {
  const { t } = useI18n();
  return (
    <>
      <label className="field" htmlFor={`${idPrefix}-role`}>
        <span>{t('users.firstRole')}</span>
        <select
          id={`${idPrefix}-role`}
          name="role"
          value={role}
          onChange={(event) => onRole(event.target.value as Role | '')}
        >
          {allowNoRole && <option value="">{t('users.noRole')}</option>}
          {ROLES.map((candidate) => (
            <option key={candidate} value={candidate}>
              {t(`role.${candidate}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field" htmlFor={`${idPrefix}-gate`}>
        <span>{t('users.gate')}</span>
        <select
          id={`${idPrefix}-gate`}
          name="gate"
          value={gate}
          disabled={role === ''}
          onChange={(event) => onGate(event.target.value)}
        >
          <option value={ALL_GATES}>{t('users.allGates')}</option>
          {gates.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.name}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
