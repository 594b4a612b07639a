import type { AuditEvent } from './event.ts';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CSV_COLUMNS = [
  'seq',
  'id',
  'occurredAt',
  'actorType',
  'actorId',
  'action',
  'subjectId',
  'resourceType',
  'resourceId',
  'purpose',
  'reason',
  'outcome',
  'requestId',
  'details',
  'prevHash',
  'hash',
] as const;

export function presentEvent(e: AuditEvent) {
  return { ...e, occurredAt: e.occurredAt.toISOString() };
}

function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // A cell opening with = + - @ would run as a formula in a spreadsheet (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Turns events into export lines (header first for CSV); each line ends with \n. */
export async function* exportLines(events: AsyncIterable<AuditEvent>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_COLUMNS.join(',') + '\n';
  for await (const e of events) {
    const p = presentEvent(e);
    yield format === 'jsonl' ? JSON.stringify(p) + '\n' : CSV_COLUMNS.map((c) => csvCell(p[c])).join(',') + '\n';
  }
}
