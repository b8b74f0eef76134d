import { useState, type FormEvent } from 'react';
import type { Gate, Role, UserView } from '../api/types.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { Notice } from '../components/notice.js';
import { ALL_GATES, RoleGateSelect, gateIdOf } from '../components/role-gate-select.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';

export interface CreatedUser {
  user: UserView;
  oneTimePassword?: string;
}

/** A new account with an optional first role; the fleet makes up its one-time password. */
export function AddUserForm({
  gates,
  onCreated,
}: {
  gates: readonly Gate[];
  onCreated(created: CreatedUser): void;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const describe = useDescribeError();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role | ''>('viewer');
  const [gate, setGate] = useState(ALL_GATES);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const grants = role === '' ? [] : [{ role, gateId: gateIdOf(gate) }];
      const created = await api.send<CreatedUser>('POST', '/api/v1/users', {
        username: username.trim(),
        displayName: displayName.trim(),
        grants,
      });
      setUsername('');
      setDisplayName('');
      onCreated(created);
    } catch (error) {
      setProblem(describe(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="add-user-title">
      <h2 id="add-user-title">{t('users.add')}</h2>
      <form className="form form-row" onSubmit={submit} aria-busy={busy} data-form="add-user">
        <Field
          label={t('users.username')}
          name="username"
          required
          pattern="[a-z0-9._\-]{3,64}"
          title={t('users.usernameHint')}
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onValue={setUsername}
        />
        <Field
          label={t('users.displayName')}
          name="displayName"
          required
          maxLength={120}
          value={displayName}
          onValue={setDisplayName}
        />
        <RoleGateSelect
          role={role}
          gate={gate}
          onRole={setRole}
          onGate={setGate}
          gates={gates}
          allowNoRole
          idPrefix="new-user"
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('users.create')}
        </button>
      </form>
      {problem && <Notice kind="error">{problem}</Notice>}
    </section>
  );
}
