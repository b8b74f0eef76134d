import { useState } from 'react';
import { useFleetData } from '../app/fleet-data.js';
import { useMe } from '../app/session.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { PasswordForm } from './password-form.js';
import { GrantList } from './user-grants.js';

export function AccountPage() {
  const { t } = useI18n();
  const me = useMe();
  const { gates } = useFleetData();
  const [changed, setChanged] = useState(false);
  return (
    <div className="account-page">
      <h1>{t('account.title')}</h1>
      <p>
        <strong>{me.displayName}</strong> <span className="muted">({me.username})</span>
      </p>
      <div className="cards">
        <section className="card" aria-labelledby="roles-title">
          <h2 id="roles-title">{t('account.roles')}</h2>
          <GrantList grants={me.grants} gates={gates} />
        </section>
        <section className="card" aria-labelledby="password-title">
          <h2 id="password-title">{t('password.title')}</h2>
          {changed && <Notice kind="success">{t('password.changed')}</Notice>}
          <PasswordForm onChanged={() => setChanged(true)} />
        </section>
      </div>
    </div>
  );
}
