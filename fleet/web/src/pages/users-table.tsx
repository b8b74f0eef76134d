import type { Gate, UserView } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { UserRow, type UserAction } from './user-row.js';

interface Props {
  users: UserView[] | null;
  gates: readonly Gate[];
  meId: string;
  nowMs: number;
  onAction(action: UserAction): void;
}

export function UsersTable({ users, gates, meId, nowMs, onAction }: Props) {
  const { t } = useI18n();
  return (
    <section className="card card-wide" aria-labelledby="users-list-title">
      <h2 id="users-list-title">{t('users.list')}</h2>
      {users === null ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table users">
            <thead>
              <tr>
                <th scope="col">{t('users.user')}</th>
                <th scope="col">{t('users.roles')}</th>
                <th scope="col">{t('users.status')}</th>
                <th scope="col">{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  gates={gates}
                  isMe={user.id === meId}
                  nowMs={nowMs}
                  onAction={onAction}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
