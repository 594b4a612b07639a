// Calendar checks shared by recognizers whose values embed a date (CN ID, PESEL, NIR, DOB).

export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

/** a plausible birth date: a real calendar day, not in the future, not before 1900 */
export function isPlausibleBirthDate(year: number, month: number, day: number, now = new Date()): boolean {
  if (!isValidDate(year, month, day) || year < 1900) return false;
  return Date.UTC(year, month - 1, day) <= now.getTime();
}
