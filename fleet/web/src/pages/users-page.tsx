import { useCallback, useEffect, useState } from 'react';
import type { UserView } from '../api/types.js';
import { useFleetData } from '../app/fleet-data.js';
import { useMe, useSession } from '../app/session.js';
import { Dialog } from '../components/dialog.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useNow } from '../hooks/use-now.js';
import { useI18n } from '../i18n/i18n.js';
import { allows } from '../model/permissions.js';
import { AddUserForm, type CreatedUser } from './add-user-form.js';
import { type UserAction } from './user-row.js';
import { UsersTable } from './users-table.js';

type Pending =
  { kind: 'reset' | 'remove'; user: UserView } | { kind: 'password'; username: string; password: string };

/** Accounts and their roles; only for users who may manage users (fleet-wide). */
export function UsersPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const { gates } = useFleetData();
  const describe = useDescribeError();
  const nowMs = useNow(60_000);
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setUsers((await api.get<{ users: UserView[] }>('/api/v1/users')).users);
    } catch (error) {
      setNotice({ kind: 'error', text: describe(error) });
    }
    // Not reloaded when the language (and so `describe`) changes: the list does not depend on it.
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!allows(me, 'users.manage', null)) return <Notice kind="error">{t('common.forbidden')}</Notice>;

  const onCreated = (created: CreatedUser) => {
    setNotice({ kind: 'success', text: t('users.created', { username: created.user.username }) });
    if (created.oneTimePassword)
      setPending({ kind: 'password', username: created.user.username, password: created.oneTimePassword });
    void load();
  };

  const onAction = (action: UserAction) => {
    if (action.kind === 'failed') setNotice({ kind: 'error', text: describe(action.error) });
    else if (action.kind === 'updated')
      setUsers(
        (current) => current?.map((user) => (user.id === action.user.id ? action.user : user)) ?? null,
      );
    else setPending({ kind: action.kind, user: action.user });
  };

  const confirm = async () => {
    if (!pending || pending.kind === 'password') return;
    const path = `/api/v1/users/${encodeURIComponent(pending.user.username)}`;
    setBusy(true);
    try {
      if (pending.kind === 'remove') {
        await api.send('DELETE', path);
        setNotice({ kind: 'success', text: t('users.removed', { username: pending.user.username }) });
        setPending(null);
      } else {
        const answer = await api.send<{ oneTimePassword: string }>('POST', `${path}/password-reset`);
        setPending({ kind: 'password', username: pending.user.username, password: answer.oneTimePassword });
      }
      void load();
    } catch (error) {
      setNotice({ kind: 'error', text: describe(error) });
      setPending(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="users-page">
      <h1>{t('users.title')}</h1>
      <p className="muted">{t('users.intro')}</p>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <AddUserForm gates={gates} onCreated={onCreated} />
      <UsersTable users={users} gates={gates} meId={me.id} nowMs={nowMs} onAction={onAction} />
      {pending && (
        <PendingDialog pending={pending} busy={busy} onClose={() => setPending(null)} onConfirm={confirm} />
      )}
    </div>
  );
}

function PendingDialog(props: {
  pending: Pending;
  busy: boolean;
  onClose(): void;
  onConfirm(): Promise<void>;
}) {
  const { t } = useI18n();
  const { pending, busy, onClose, onConfirm } = props;
  if (pending.kind === 'password') {
    return (
      <Dialog title={t('users.oneTimeTitle', { username: pending.username })} onClose={onClose}>
        <p>{t('users.oneTimeBody')}</p>
        <p className="one-time-password">
          <code data-one-time-password>{pending.password}</code>
        </p>
      </Dialog>
    );
  }
  const remove = pending.kind === 'remove';
  return (
    <Dialog
      title={remove ? t('users.remove') : t('users.resetPassword')}
      onClose={onClose}
      confirm={{
        label: remove ? t('users.remove') : t('users.resetPassword'),
        danger: remove,
        busy,
        onConfirm: () => void onConfirm(),
      }}
    >
      <p>
        {remove
          ? t('users.removeConfirm', { username: pending.user.username })
          : t('users.resetConfirm', { username: pending.user.username })}
      </p>
    </Dialog>
  );
}
