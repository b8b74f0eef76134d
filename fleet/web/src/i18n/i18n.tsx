import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { relativeParts, splitDuration } from '../model/format.js';
import {
  LANGUAGE_STORAGE_KEY,
  initialLanguage,
  translate,
  type Language,
  type MessageKey,
  type MessageParams,
} from './translate.js';

export interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, params?: MessageParams): string;
  /** A date and time in the browser's time zone, in the chosen language. */
  dateTime(iso: string | null): string;
  /** "3 minutes ago" in the chosen language. */
  relative(iso: string | null, nowMs: number): string;
  duration(seconds: number): string;
  number(value: number): string;
}

const I18nContext = createContext<I18n | null>(null);

function readStoredLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null; // storage disabled: the choice lasts until the tab closes
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() =>
    initialLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]),
  );

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      window.localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // Not remembered, still switched.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const locale = language === 'vi' ? 'vi-VN' : 'en-GB';
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    const numberFormat = new Intl.NumberFormat(locale);
    const t = (key: MessageKey, params?: MessageParams) => translate(language, key, params);
    return {
      language,
      setLanguage,
      t,
      dateTime: (iso) => (iso === null ? t('compare.none') : dateFormat.format(new Date(iso))),
      relative: (iso, nowMs) => {
        if (iso === null) return t('device.never');
        const { value: amount, unit } = relativeParts(Date.parse(iso), nowMs);
        return relativeFormat.format(amount, unit);
      },
      duration: (seconds) => {
        const parts = splitDuration(seconds);
        if (parts.days > 0) return t('duration.dhm', { ...parts });
        if (parts.hours > 0) return t('duration.hm', { ...parts });
        return t('duration.m', { ...parts });
      },
      number: (amount) => numberFormat.format(amount),
    };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
