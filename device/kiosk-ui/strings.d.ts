export const LANGUAGE_NAMES: Record<string, string>;
export const STRINGS: Record<string, Record<string, string>>;
export function t(language: string, key: string): string;
export function languageName(language: string): string;
