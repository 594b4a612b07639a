import { describe, expect, it } from 'vitest';
import { type OfficeHours, OfficeHoursSchema, officeStatus } from './officeHours.ts';

// The retail site's hours from policies/sites.yaml. Berlin: CET (+01) until 2026-03-29 01:00Z, then
// CEST (+02) until 2026-10-25 01:00Z.
const retail: OfficeHours = {
  timezone: 'Europe/Berlin',
  weekly: {
    mon: '08:00-20:00',
    tue: '08:00-20:00',
    wed: '08:00-20:00',
    thu: '08:00-20:00',
    fri: '08:00-20:00',
    sat: '09:00-14:00',
  },
  closedDates: ['2026-12-25', '2026-12-26', '2027-01-01'],
};
const night: OfficeHours = { timezone: 'Europe/Berlin', weekly: { fri: '22:00-02:00' } };
const split: OfficeHours = {
  timezone: 'Europe/Berlin',
  weekly: { wed: '08:00-12:00, 13:00-17:00', thu: '00:00-24:00' },
};
const newYork: OfficeHours = { timezone: 'America/New_York', weekly: { mon: '09:00-17:00' } };

const cases: { name: string; hours: OfficeHours; now: string; open: boolean; nextOpen: string | null }[] = [
  { name: 'weekday morning in summer time', hours: retail, now: '2026-03-30T08:00:00Z', open: true, nextOpen: null },
  {
    name: 'Saturday after close, across the spring DST change to Monday',
    hours: retail,
    now: '2026-03-28T13:30:00Z',
    open: false,
    nextOpen: '2026-03-30T06:00:00.000Z',
  },
  {
    name: 'Saturday after close, across the autumn DST change to Monday',
    hours: retail,
    now: '2026-10-24T13:00:00Z',
    open: false,
    nextOpen: '2026-10-26T07:00:00.000Z',
  },
  {
    name: 'Sunday: closed all day',
    hours: retail,
    now: '2026-06-07T10:00:00Z',
    open: false,
    nextOpen: '2026-06-08T06:00:00.000Z',
  },
  { name: 'one minute before close', hours: retail, now: '2026-03-27T18:59:00Z', open: true, nextOpen: null },
  {
    name: 'at close (end is exclusive)',
    hours: retail,
    now: '2026-03-27T19:00:00Z',
    open: false,
    nextOpen: '2026-03-28T08:00:00.000Z',
  },
  {
    name: 'one second before opening',
    hours: retail,
    now: '2026-03-31T05:59:59Z',
    open: false,
    nextOpen: '2026-03-31T06:00:00.000Z',
  },
  { name: 'at opening', hours: retail, now: '2026-03-31T06:00:00Z', open: true, nextOpen: null },
  {
    name: 'Christmas Eve evening: 25th and 26th closed, then Sunday',
    hours: retail,
    now: '2026-12-24T19:30:00Z',
    open: false,
    nextOpen: '2026-12-28T07:00:00.000Z',
  },
  {
    name: 'on a closed date at noon',
    hours: retail,
    now: '2026-12-25T11:00:00Z',
    open: false,
    nextOpen: '2026-12-28T07:00:00.000Z',
  },
  {
    name: 'night shift: Friday before it starts',
    hours: night,
    now: '2026-06-05T19:59:00Z',
    open: false,
    nextOpen: '2026-06-05T20:00:00.000Z',
  },
  {
    name: 'night shift: Saturday 01:30 is still Friday’s shift',
    hours: night,
    now: '2026-06-05T23:30:00Z',
    open: true,
    nextOpen: null,
  },
  {
    name: 'night shift: Saturday 02:00 has ended',
    hours: night,
    now: '2026-06-06T00:00:00Z',
    open: false,
    nextOpen: '2026-06-12T20:00:00.000Z',
  },
  {
    name: 'lunch break between two ranges',
    hours: split,
    now: '2026-06-03T10:30:00Z',
    open: false,
    nextOpen: '2026-06-03T11:00:00.000Z',
  },
  { name: 'a 24-hour day at midnight', hours: split, now: '2026-06-03T22:00:00Z', open: true, nextOpen: null },
  { name: 'a 24-hour day just before its end', hours: split, now: '2026-06-04T21:59:59Z', open: true, nextOpen: null },
  {
    name: 'New York: Monday after the March DST change',
    hours: newYork,
    now: '2026-03-07T12:00:00Z',
    open: false,
    nextOpen: '2026-03-09T13:00:00.000Z',
  },
  {
    name: 'nothing opens within 14 days',
    hours: { timezone: 'UTC', weekly: {} },
    now: '2026-06-03T10:00:00Z',
    open: false,
    nextOpen: null,
  },
];

describe('officeStatus', () => {
  it.each(cases)('$name', ({ hours, now, open, nextOpen }) => {
    expect(officeStatus(hours, new Date(now))).toEqual({ open, nextOpen });
  });

  it('looks 14 days ahead across a long closure', () => {
    const closedDates = Array.from({ length: 13 }, (_, i) =>
      new Date(Date.UTC(2026, 5, 1 + i)).toISOString().slice(0, 10),
    );
    const hours: OfficeHours = {
      timezone: 'UTC',
      weekly: {
        mon: '09:00-10:00',
        tue: '09:00-10:00',
        wed: '09:00-10:00',
        thu: '09:00-10:00',
        fri: '09:00-10:00',
        sat: '09:00-10:00',
        sun: '09:00-10:00',
      },
      closedDates,
    };
    expect(officeStatus(hours, new Date('2026-06-01T12:00:00Z')).nextOpen).toBe('2026-06-14T09:00:00.000Z');
  });
});

describe('OfficeHoursSchema', () => {
  it('accepts the sites.yaml shape', () => {
    expect(OfficeHoursSchema.safeParse(retail).success).toBe(true);
    expect(OfficeHoursSchema.safeParse(night).success).toBe(true);
  });

  it.each([
    ['an unknown time zone', { timezone: 'Europe/Atlantis', weekly: {} }],
    ['a time past 24:00', { timezone: 'UTC', weekly: { mon: '08:00-24:30' } }],
    ['a range without an end', { timezone: 'UTC', weekly: { mon: '08:00' } }],
    ['an empty range', { timezone: 'UTC', weekly: { mon: '08:00-08:00' } }],
    ['an unknown weekday', { timezone: 'UTC', weekly: { monday: '08:00-09:00' } }],
    ['a date that does not exist', { timezone: 'UTC', weekly: {}, closedDates: ['2026-02-30'] }],
    ['a date in another format', { timezone: 'UTC', weekly: {}, closedDates: ['25.12.2026'] }],
  ])('refuses %s', (_name, value) => {
    expect(OfficeHoursSchema.safeParse(value).success).toBe(false);
  });
});
