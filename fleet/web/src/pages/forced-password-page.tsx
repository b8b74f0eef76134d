import { useSession } from '../app/session.js';
import { LanguageSwitch } from '../components/language-switch.js';
import { useI18n } from '../i18n/i18n.js';
import { MIN_PASSWORD_LENGTH, PasswordForm } from './password-form.js';

/** Shown instead of everything else while the password is a one-time one; the fleet enforces it too. */
export function ForcedPasswordPage() {
  const { t } = useI18n();
  const { signOut } = useSession();
  return (
    <main className="login" id="content">
      <div className="login-card">
        <LanguageSwitch />
        <h1>{t('password.forcedTitle')}</h1>
        <p className="muted">{t('password.forcedIntro', { min: MIN_PASSWORD_LENGTH })}</p>
        <PasswordForm onChanged={() => undefined} />
        <button
          type="button"
          className="button button-link"
          onClick={() => void signOut().catch(() => undefined)}
        >
          {t('nav.signOut')}
        </button>
      </div>
    </main>
  );
}
