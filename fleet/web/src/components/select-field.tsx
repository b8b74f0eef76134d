export interface SelectOption {
  value: string;
  label: string;
}

interface Props {
  label: string;
  name: string;
  value: string;
  onValue(value: string): void;
  options: readonly SelectOption[];
  /** A first option with the value '' and this text ("any", "pick one"). */
  empty?: string;
  disabled?: boolean;
  required?: boolean;
}

/** A labelled select, the label above it, like Field. */
export function SelectField({ label, name, value, onValue, options, empty, disabled, required }: Props) {
  return (
    <label className="field">
      <span>{label}</span>
      <select
        name={name}
        value={value}
        disabled={disabled}
        required={required}
        onChange={(event) => onValue(event.target.value)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Gates (or a gate's zones) as options: the id is the value, the name is shown. */
export function optionsOf(places: ReadonlyArray<{ id: string; name: string }>): SelectOption[] {
  return places.map((place) => ({ value: place.id, label: place.name }));
}
