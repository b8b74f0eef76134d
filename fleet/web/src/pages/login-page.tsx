import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { LanguageSwitch } from '../components/language-switch.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';

export function LoginPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const describe = useDescribeError();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signIn(username.trim(), password);
    } catch (error) {
      setPassword('');
      setProblem(loginProblem(error, t, describe));
      setBusy(false);
    }
  };

  return (
    <main className="login" id="content">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          <div>
            <p className="brand-name">{t('app.name')}</p>
            <p className="brand-tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <LanguageSwitch />
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        <form onSubmit={submit} className="form" aria-busy={busy}>
          <Field
            label={t('login.username')}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onValue={setUsername}
          />
          <Field
            label={t('login.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onValue={setPassword}
          />
          {problem && <Notice kind="error">{problem}</Notice>}
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}

function loginProblem(
  error: unknown,
  t: ReturnType<typeof useI18n>['t'],
  describe: (error: unknown) => string,
): string {
  if (!(error instanceof ApiError)) return describe(error);
  if (error.status === 401) return t('login.wrong');
  if (error.status === 429) {
    if (error.retryAfterSec === null) return t('login.lockedSoon');
    return t('login.locked', { minutes: Math.max(1, Math.ceil(error.retryAfterSec / 60)) });
  }
  return describe(error);
}
