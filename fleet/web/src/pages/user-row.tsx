import { useState } from 'react';
import type { Gate, Grant, UserView } from '../api/types.js';
import { useSession } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { GrantForm, GrantList } from './user-grants.js';

export type UserAction =
  | { kind: 'reset'; user: UserView }
  | { kind: 'remove'; user: UserView }
  | { kind: 'updated'; user: UserView }
  | { kind: 'failed'; error: unknown };

interface Props {
  user: UserView;
  gates: readonly Gate[];
  isMe: boolean;
  nowMs: number;
  onAction(action: UserAction): void;
}

/** One account: who, roles (grant, revoke), state, and what an administrator can do with it. */
export function UserRow({ user, gates, isMe, nowMs, onAction }: Props) {
  const { t } = useI18n();
  const { api } = useSession();
  const [granting, setGranting] = useState(false);

  const change = async (suffix: 'grants' | 'grants/revoke', grant: Grant) => {
    try {
      const path = `/api/v1/users/${encodeURIComponent(user.username)}/${suffix}`;
      const answer = await api.send<{ user: UserView }>('POST', path, grant);
      onAction({ kind: 'updated', user: answer.user });
      setGranting(false);
    } catch (error) {
      onAction({ kind: 'failed', error });
    }
  };

  return (
    <tr data-username={user.username}>
      <td>
        <span className="user-name">{user.displayName}</span>
        <span className="muted user-login">
          {user.username}
          {isMe && ` (${t('users.you')})`}
        </span>
      </td>
      <td>
        <GrantList
          grants={user.grants}
          gates={gates}
          onRevoke={(grant) => void change('grants/revoke', grant)}
        />
        {granting && (
          <GrantForm
            username={user.username}
            gates={gates}
            onGrant={(grant) => void change('grants', grant)}
          />
        )}
      </td>
      <td>
        <UserState user={user} nowMs={nowMs} />
      </td>
      <td>
        <div className="row-actions">
          <button
            type="button"
            className="button"
            aria-expanded={granting}
            onClick={() => setGranting(!granting)}
          >
            {t('users.grantRole')}
          </button>
          <button type="button" className="button" onClick={() => onAction({ kind: 'reset', user })}>
            {t('users.resetPassword')}
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={isMe}
            onClick={() => onAction({ kind: 'remove', user })}
          >
            {t('users.remove')}
          </button>
        </div>
      </td>
    </tr>
  );
}

function UserState({ user, nowMs }: { user: UserView; nowMs: number }) {
  const { t, dateTime } = useI18n();
  if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > nowMs)
    return <>{t('users.lockedUntil', { time: dateTime(user.lockedUntil) })}</>;
  return <>{user.mustChangePassword ? t('users.mustChange') : t('users.active')}</>;
}
