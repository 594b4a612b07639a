// When people answer (policies/sites.yaml `officeHours`), computed in the site's own time zone with
// Intl only: wall-clock minutes decide "open", and the next opening is turned back into an instant
// by asking Intl for the zone's offset, so DST changes need no table of our own.
import { z } from 'zod';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Days looked ahead for the next opening; a site closed longer than that answers nextOpen null. */
const LOOKAHEAD_DAYS = 14;
const DAY_MINUTES = 24 * 60;

const TIME = '([01]\\d|2[0-4]):([0-5]\\d)';
const RANGE = new RegExp(`^${TIME}-${TIME}$`);

interface Range {
  start: number;
  /** minutes after the day's midnight; past 1440 when the range runs over midnight */
  end: number;
}

/** "08:00-12:00, 13:00-18:00" → minute ranges; "22:00-02:00" runs into the next day; null if malformed. */
export function parseRanges(spec: string): Range[] | null {
  const ranges: Range[] = [];
  for (const part of spec.split(',')) {
    const m = RANGE.exec(part.trim());
    if (!m) return null;
    const start = Number(m[1]) * 60 + Number(m[2]);
    let end = Number(m[3]) * 60 + Number(m[4]);
    if (start >= DAY_MINUTES || end > DAY_MINUTES || start === end) return null;
    if (end < start) end += DAY_MINUTES;
    ranges.push({ start, end });
  }
  return ranges;
}

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const isCalendarDate = (s: string): boolean => {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

const DayHours = z
  .string()
  .refine((s) => parseRanges(s) !== null, { message: 'expected "HH:MM-HH:MM" ranges, comma-separated' });

export const OfficeHoursSchema = z.strictObject({
  timezone: z.string().refine(isTimeZone, { message: 'not an IANA time zone' }),
  weekly: z.partialRecord(z.enum(WEEKDAYS), DayHours),
  closedDates: z
    .array(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .refine(isCalendarDate, { message: 'not a calendar date' }),
    )
    .optional(),
});
export type OfficeHours = z.infer<typeof OfficeHoursSchema>;

export interface OfficeStatus {
  open: boolean;
  /** ISO instant of the next opening when closed; null when open or nothing opens within 14 days */
  nextOpen: string | null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(timeZone: string, at: Date): WallClock {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The zone's offset from UTC at that instant, in milliseconds. */
function offsetAt(timeZone: string, at: number): number {
  const w = wallClock(timeZone, new Date(at));
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at / 1000) * 1000;
}

/** The instant a wall-clock time happens in the zone. A time skipped by a DST change lands an hour
 *  later (02:30 → 03:30, as Temporal's 'compatible'); a repeated one takes its later instant. */
function instantOf(timeZone: string, year: number, month: number, day: number, minutes: number): number {
  const asUtc = Date.UTC(year, month - 1, day, 0, minutes);
  const first = asUtc - offsetAt(timeZone, asUtc);
  const second = asUtc - offsetAt(timeZone, first);
  return second === first ? first : Math.max(first, second);
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export function officeStatus(hours: OfficeHours, now: Date): OfficeStatus {
  const w = wallClock(hours.timezone, now);
  const nowMinutes = w.hour * 60 + w.minute + w.second / 60;
  const closed = new Set(hours.closedDates ?? []);
  // Local calendar days as UTC dates: date arithmetic without a zone in the way.
  const localDay = (offset: number) => new Date(Date.UTC(w.year, w.month - 1, w.day + offset));
  const rangesOn = (date: Date): Range[] => {
    if (closed.has(isoDate(date))) return [];
    const spec = hours.weekly[WEEKDAYS[date.getUTCDay()]!];
    return spec ? (parseRanges(spec) ?? []) : [];
  };

  // Yesterday's ranges that run over midnight count toward today (a closed date closes its own shifts).
  const open =
    rangesOn(localDay(-1)).some((r) => r.end - DAY_MINUTES > nowMinutes) ||
    rangesOn(localDay(0)).some((r) => r.start <= nowMinutes && nowMinutes < r.end);
  if (open) return { open: true, nextOpen: null };

  for (let d = 0; d <= LOOKAHEAD_DAYS; d++) {
    const date = localDay(d);
    const starts = rangesOn(date)
      .map((r) => r.start)
      .filter((start) => d > 0 || start > nowMinutes)
      .sort((a, b) => a - b);
    if (starts.length)
      return {
        open: false,
        nextOpen: new Date(
          instantOf(hours.timezone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), starts[0]!),
        ).toISOString(),
      };
  }
  return { open: false, nextOpen: null };
}
