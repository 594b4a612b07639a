// Values arrive with the separators people type (spaces, dashes, dots); checks run on the bare value.

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

/** upper-case letters and digits only: 'de89 3704-0044' → 'DE8937040044' */
export function compact(value: string): string {
  return value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}
