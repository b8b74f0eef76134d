import type { InputHTMLAttributes } from 'react';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  /** Changes the value; the input is always controlled. */
  onValue(value: string): void;
  value: string;
}

/** A labelled input, the label above it; large enough to hit on a tablet. */
export function Field({ label, onValue, ...input }: FieldProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <input {...input} onChange={(event) => onValue(event.target.value)} />
    </label>
  );
}
