interface Props {
  languages: readonly string[];
  texts: Record<string, string>;
  onTexts(texts: Record<string, string>): void;
  /** The label of one language's text, e.g. "Text (vi)". */
  labelOf(language: string): string;
  rows: number;
  maxLength?: number;
  textareaClassName?: string;
}

/** One text per language of the gate, each marked with its language for fonts and screen readers. */
export function LanguageTexts({
  languages,
  texts,
  onTexts,
  labelOf,
  rows,
  maxLength,
  textareaClassName,
}: Props) {
  return languages.map((language) => (
    <label className="field" key={language}>
      <span>{labelOf(language)}</span>
      <textarea
        className={textareaClassName}
        name={`text-${language}`}
        lang={language}
        rows={rows}
        maxLength={maxLength}
        value={texts[language] ?? ''}
        onChange={(event) => onTexts({ ...texts, [language]: event.target.value })}
      />
    </label>
  ));
}
