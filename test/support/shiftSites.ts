// A sites.yaml for the agent's shift tests: `retail` answers 09:00-17:00 UTC every day and assigns
// handoffs automatically; `branch` has no office hours and leaves assignment to the agents.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, '09:00-17:00']));

/** `weekly`: retail's opening days (every day 09:00-17:00 UTC unless given). */
export function shiftSites(opts: {
  maxConcurrent: number;
  autoAssign?: boolean;
  weekly?: Record<string, string>;
}): Record<string, unknown> {
  const shipped = parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../policies/sites.yaml'), 'utf8')) as {
    sites: { retail: Record<string, unknown> };
  };
  const base = shipped.sites.retail;
  return {
    version: 1,
    sites: {
      retail: {
        ...base,
        officeHours: { timezone: 'UTC', weekly: opts.weekly ?? EVERY_DAY },
        autoAssign: { enabled: opts.autoAssign ?? true, maxConcurrent: opts.maxConcurrent },
      },
      branch: { ...base, name: 'Harbor Bank Branch', queue: 'branch', officeHours: undefined },
    },
  };
}

/**
 * The shipped sites.yaml with no office hours on `retail`: a handoff queues for a person whatever
 * the hour of the run (the shipped Berlin hours make it an after-hours follow-up in the evening).
 */
export function alwaysOpenSites(): Record<string, unknown> {
  const shipped = parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../policies/sites.yaml'), 'utf8')) as {
    sites: { retail: Record<string, unknown> };
  };
  delete shipped.sites.retail['officeHours'];
  return shipped;
}
