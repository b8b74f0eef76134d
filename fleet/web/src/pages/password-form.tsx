import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { useSession } from '../app/session.js';
import { Field } from '../components/field.js';
import { Notice } from '../components/notice.js';
import { useDescribeError } from '../hooks/use-api-error.js';
import { useI18n } from '../i18n/i18n.js';

/** The fleet refuses shorter ones too; checked here first to say so at once. */
export const MIN_PASSWORD_LENGTH = 12;

/** Current, new and repeated password; used at the forced first change and on the account page. */
export function PasswordForm({ onChanged }: { onChanged(): void }) {
  const { t } = useI18n();
  const { api, refresh } = useSession();
  const describe = useDescribeError();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = checkPasswords(current, next, repeat, t);
    setProblem(local);
    if (local) return;
    setBusy(true);
    try {
      await api.send('POST', '/api/v1/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      onChanged();
      await refresh();
    } catch (error) {
      const wrongCurrent = error instanceof ApiError && (error.status === 401 || error.status === 403);
      setProblem(wrongCurrent ? t('password.wrongCurrent') : describe(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="form" aria-busy={busy}>
      <Field
        label={t('password.current')}
        name="current-password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onValue={setCurrent}
      />
      <Field
        label={t('password.new')}
        name="new-password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        value={next}
        onValue={setNext}
      />
      <Field
        label={t('password.repeat')}
        name="repeat-password"
        type="password"
        autoComplete="new-password"
        required
        value={repeat}
        onValue={setRepeat}
      />
      {problem && <Notice kind="error">{problem}</Notice>}
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('password.busy') : t('password.submit')}
      </button>
    </form>
  );
}

function checkPasswords(
  current: string,
  next: string,
  repeat: string,
  t: ReturnType<typeof useI18n>['t'],
): string | null {
  if (next.length < MIN_PASSWORD_LENGTH) return t('password.tooShort', { min: MIN_PASSWORD_LENGTH });
  if (next !== repeat) return t('password.mismatch');
  if (next === current) return t('password.same');
  return null;
}
