/** The list with the value added at the end, or taken out when it was there: a ticked checkbox. */
export function toggled<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((other) => other !== value) : [...list, value];
}
