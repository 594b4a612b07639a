// The zip reader against honest and hostile archives: what is read, what each bad entry reports,
// and what refuses the whole archive (the guards are limits passed in, so small ones are tested).
import { describe, expect, it } from 'vitest';
import { makeZip, type ZipSpec } from '../../test/support/zip.ts';
import { readZip, ZIP_LIMITS, type ZipEntry, ZipRefused } from './zip.ts';

const text = (e: ZipEntry) => (e.ok ? new TextDecoder().decode(e.bytes) : e.error.id);

describe('reading a zip', () => {
  it('reads deflated and stored entries in order, skipping folders and hidden files', () => {
    const zip = makeZip([
      { name: 'cards/', content: '' },
      { name: 'cards/lost.md', content: '# Lost card\n\nFreeze it in the app.\n'.repeat(50) },
      { name: 'hours.txt', content: 'Open 9 to 5', stored: true },
      { name: '.DS_Store', content: 'x' },
      { name: '__MACOSX/cards/._lost.md', content: 'x' },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => [e.path, text(e).slice(0, 11)])).toEqual([
      ['cards/lost.md', '# Lost card'],
      ['hours.txt', 'Open 9 to 5'],
    ]);
  });

  const hostile: [string, ZipSpec, string][] = [
    ['a name that climbs out', { name: '../../etc/passwd.md', content: 'x' }, 'zip_entry_path'],
    ['a name that climbs out midway', { name: 'a/../../b.md', content: 'x' }, 'zip_entry_path'],
    ['an absolute name', { name: '/etc/motd.txt', content: 'x' }, 'zip_entry_path'],
    ['a Windows drive', { name: 'C:/x.txt', content: 'x' }, 'zip_entry_path'],
    ['a backslash name', { name: '..\\x.txt', content: 'x' }, 'zip_entry_path'],
    ['a symbolic link', { name: 'link.md', content: '/etc/passwd', symlink: true }, 'zip_entry_link'],
    ['an encrypted entry', { name: 'secret.md', content: 'x', encrypted: true }, 'zip_entry_encrypted'],
    [
      'a size that understates the data (bomb)',
      { name: 'bomb.txt', content: 'a'.repeat(100_000), declaredSize: 1000 },
      'zip_entry_corrupt',
    ],
    ['a size that overstates the data', { name: 'short.txt', content: 'abc', declaredSize: 10 }, 'zip_entry_corrupt'],
    [
      'an entry over the per-file limit',
      { name: 'big.txt', content: 'a'.repeat(ZIP_LIMITS.entryBytes + 1) },
      'file_too_large',
    ],
  ];
  it.each(hostile)("reports %s as that entry's error, and still reads the good one", (_name, spec, id) => {
    const entries = readZip(makeZip([spec, { name: 'good.md', content: '# Good' }]));
    expect(entries.map((e) => (e.ok ? 'ok' : e.error.id))).toEqual([id, 'ok']);
  });

  it('reports a damaged CRC on the entry', () => {
    const zip = makeZip([{ name: 'a.txt', content: 'hello', stored: true }]);
    zip[30 + 'a.txt'.length] = 'j'.charCodeAt(0); // the stored data itself
    expect(readZip(zip).map(text)).toEqual(['zip_entry_corrupt']);
  });

  it('inflates no more once the inflate budget is spent: the rest are reported as not read', () => {
    const zip = makeZip([1, 2, 3, 4].map((n) => ({ name: `f${n}.txt`, content: `file ${n} `.repeat(100) })));
    let clock = 0;
    const budget = { deadline: 2.5, now: () => ++clock }; // each entry "takes" one unit
    expect(readZip(zip, ZIP_LIMITS, budget).map((e) => (e.ok ? 'ok' : e.error.id))).toEqual([
      'ok',
      'ok',
      'zip_inflate_time',
      'zip_inflate_time',
    ]);
  });

  it('stops counting toward the total limit at the entry that crosses it', () => {
    const limits = { ...ZIP_LIMITS, totalBytes: 2500 };
    const zip = makeZip([1, 2, 3].map((n) => ({ name: `f${n}.txt`, content: 'x'.repeat(1000) })));
    expect(readZip(zip, limits).map((e) => (e.ok ? 'ok' : e.error.id))).toEqual(['ok', 'ok', 'zip_too_large']);
  });

  const refused: [string, Uint8Array, string][] = [
    ['not a zip at all', new TextEncoder().encode('# just markdown, named .zip'), 'zip_corrupt'],
    ['a truncated archive', makeZip([{ name: 'a.md', content: '# A' }]).subarray(0, 40), 'zip_corrupt'],
    [
      'too many entries',
      makeZip(Array.from({ length: 4 }, (_, i) => ({ name: `${i}.md`, content: '# x' }))),
      'zip_too_many_entries',
    ],
    [
      'entries sharing one compressed stream (overlapping-entry bomb)',
      makeZip([
        { name: 'a.md', content: `# A\n\n${'x'.repeat(5000)}` },
        { name: 'b.md', content: '', sameDataAs: 0 },
        { name: 'c.md', content: '', sameDataAs: 0 },
      ]),
      'zip_overlapping_entries',
    ],
  ];
  it.each(refused)('refuses %s whole', (_name, bytes, id) => {
    let caught: unknown;
    try {
      readZip(bytes, { ...ZIP_LIMITS, entries: 3 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ZipRefused);
    expect((caught as ZipRefused).id).toBe(id);
  });
});
