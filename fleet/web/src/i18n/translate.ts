import { en, type MessageKey } from './en.js';
import { vi } from './vi.js';

export const LANGUAGES = ['en', 'vi'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, as the switch shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', vi: 'Tiếng Việt' };

export const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { en, vi };

/** Where the choice is remembered in the browser. */
export const LANGUAGE_STORAGE_KEY = 'gatecast.language';

export type MessageParams = Record<string, string | number>;

/** The message in this language with `{name}` placeholders filled; an unknown one stays visible. */
export function translate(language: Language, key: MessageKey, params: MessageParams = {}): string {
  const text = DICTIONARIES[language][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A remembered choice wins; otherwise Vietnamese for a Vietnamese browser, else English. */
export function initialLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  return browserLanguages.some((tag) => tag.toLowerCase().startsWith('vi')) ? 'vi' : 'en';
}

export type { MessageKey };
