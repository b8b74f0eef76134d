import { useI18n } from '../i18n/i18n.js';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n/translate.js';

/** Both languages named in themselves, so anyone can find their own. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <div className="language-switch" role="group" aria-label={t('lang.label')}>
      {LANGUAGES.map((candidate) => (
        <button
          key={candidate}
          type="button"
          lang={candidate}
          data-lang={candidate}
          aria-pressed={candidate === language}
          className={`lang-button${candidate === language ? ' lang-current' : ''}`}
          onClick={() => setLanguage(candidate)}
        >
          {LANGUAGE_NAMES[candidate]}
        </button>
      ))}
    </div>
  );
}
