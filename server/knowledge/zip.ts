// A .zip import read in memory: the central directory (the archive's own index) lists the entries,
// each is inflated with zlib and checked against its CRC. Nothing is written to disk, and the guards
// against a hostile archive are data: an entry count, a total and a per-entry uncompressed size,
// checked on the sizes the directory declares and enforced again while inflating (the declaration
// may lie). A bad entry is reported on its own; the archive's other entries still import. Entries
// that share compressed data refuse the whole archive before anything is inflated, and inflating
// stops (the rest reported as not read) once an import's time for it is spent.
import zlib from 'node:zlib';
import { MAX_FILE_BYTES } from '../../gateway/knowledge/index.ts';

export interface ZipLimits {
  /** entries in the central directory, folders included */
  entries: number;
  /** sum of the declared uncompressed sizes of the files imported */
  totalBytes: number;
  /** one entry's uncompressed size (larger ones are refused, not inflated) */
  entryBytes: number;
}

export const ZIP_LIMITS: ZipLimits = { entries: 2000, totalBytes: 64 * 1024 * 1024, entryBytes: MAX_FILE_BYTES };

/**
 * Time for inflating, shared by every archive of one import request (KB_IMPORT_INFLATE_MS): an
 * entry that would start after `deadline` is reported as not read. One entry is never cut short;
 * its size limit bounds its time.
 */
export interface InflateBudget {
  deadline: number;
  now: () => number;
}

export const inflateBudget = (ms: number, now: () => number = () => performance.now()): InflateBudget => ({
  deadline: now() + ms,
  now,
});

export type ZipEntry =
  { path: string; ok: true; bytes: Uint8Array } | { path: string; ok: false; error: { id: string; message: string } };

export class ZipRefused extends Error {
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export const isZipPath = (p: string) => p.toLowerCase().endsWith('.zip');

/** Why an entry's name may not be used as a path, or null when it is a plain relative path. */
function unsafeName(name: string): string | null {
  if (name.includes('\0')) return 'holds a NUL byte';
  if (name.includes('\\')) return 'holds a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is absolute';
  if (name.split('/').some((seg) => seg === '..')) return 'climbs out of the archive (..)';
  return null;
}

/** Hidden files and macOS resource forks are skipped, as in a folder import. */
const skipped = (name: string) =>
  name.endsWith('/') || name.split('/').some((seg) => seg.startsWith('.') || seg === '__MACOSX');

function findEnd(buf: Buffer): number {
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (buf.readUInt32LE(i) === EOCD) return i;
  throw new ZipRefused('zip_corrupt', 'not a zip archive (no end of central directory)');
}

interface Planned {
  path: string;
  method: number;
  size: number;
  crc: number;
  /** where the entry's local header starts and its compressed data ends */
  from: number;
  to: number;
  data: Buffer;
}

/** The local header's place and the data after it, or why it cannot be read. */
function locate(
  buf: Buffer,
  e: { localOffset: number; compressed: number; limit: number },
): { from: number; to: number; data: Buffer } | string {
  if (e.localOffset + 30 > e.limit || buf.readUInt32LE(e.localOffset) !== LOCAL) return 'local header missing';
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  if (start + e.compressed > e.limit) return 'data runs past the central directory';
  return { from: e.localOffset, to: start + e.compressed, data: buf.subarray(start, start + e.compressed) };
}

/**
 * Several directory entries over one stretch of compressed data (an overlapping-entry bomb: a few
 * kilobytes that inflate once per entry) refuse the archive before anything is inflated.
 */
function refuseOverlaps(planned: Planned[]): void {
  const byStart = [...planned].sort((a, b) => a.from - b.from);
  for (let i = 1; i < byStart.length; i++) {
    if (byStart[i]!.from < byStart[i - 1]!.to)
      throw new ZipRefused(
        'zip_overlapping_entries',
        `entries "${byStart[i - 1]!.path}" and "${byStart[i]!.path}" share compressed data`,
      );
  }
}

export function readZip(
  bytes: Uint8Array,
  limits: ZipLimits = ZIP_LIMITS,
  budget: InflateBudget = inflateBudget(Infinity),
): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 22) throw new ZipRefused('zip_corrupt', 'not a zip archive (too short)');
  const end = findEnd(buf);
  const count = buf.readUInt16LE(end + 10);
  const dirSize = buf.readUInt32LE(end + 12);
  const dirOffset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff)
    throw new ZipRefused('zip_unsupported', 'ZIP64 archives are not supported');
  if (buf.readUInt16LE(end + 4) !== 0 || buf.readUInt16LE(end + 6) !== 0)
    throw new ZipRefused('zip_unsupported', 'multi-part archives are not supported');
  if (count > limits.entries) throw new ZipRefused('zip_too_many_entries', `more than ${limits.entries} entries`);
  if (dirOffset + dirSize > end) throw new ZipRefused('zip_corrupt', 'central directory out of bounds');

  // In directory order: an entry's report, or its place in `planned` (inflated after the overlap check).
  const out: (ZipEntry | number)[] = [];
  const planned: Planned[] = [];
  let declaredTotal = 0;
  let at = dirOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > end || buf.readUInt32LE(at) !== CENTRAL)
      throw new ZipRefused('zip_corrupt', 'central directory entry damaged');
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const unixMode = buf.readUInt32LE(at + 38) >>> 16;
    const localOffset = buf.readUInt32LE(at + 42);
    const rawName = buf.subarray(at + 46, at + 46 + nameLen);
    const path = rawName.toString(flags & 0x800 ? 'utf8' : 'latin1');
    at += 46 + nameLen + extraLen + commentLen;

    const fail = (id: string, message: string) => out.push({ path, ok: false, error: { id, message } });
    const unsafe = unsafeName(path);
    if (unsafe) {
      fail('zip_entry_path', `entry name ${unsafe}`);
      continue;
    }
    if (skipped(path)) continue;
    if ((unixMode & S_IFMT) === S_IFLNK) {
      fail('zip_entry_link', 'symbolic links are not imported');
      continue;
    }
    if (flags & 0x1) {
      fail('zip_entry_encrypted', 'encrypted entries are not supported');
      continue;
    }
    if (method !== 0 && method !== 8) {
      fail('zip_entry_method', `compression method ${method} is not supported (stored or deflate only)`);
      continue;
    }
    if (size > limits.entryBytes) {
      fail('file_too_large', `larger than ${limits.entryBytes} bytes`);
      continue;
    }
    declaredTotal += size;
    if (declaredTotal > limits.totalBytes) {
      fail('zip_too_large', `the archive's files add up to more than ${limits.totalBytes} bytes uncompressed`);
      continue;
    }
    const place = locate(buf, { localOffset, compressed, limit: dirOffset });
    if (typeof place === 'string') {
      fail('zip_entry_corrupt', place);
      continue;
    }
    out.push(planned.length);
    planned.push({ path, method, size, crc, ...place });
  }
  refuseOverlaps(planned);
  return out.map((item) => {
    if (typeof item !== 'number') return item;
    const p = planned[item]!;
    if (budget.now() > budget.deadline)
      return {
        path: p.path,
        ok: false,
        error: {
          id: 'zip_inflate_time',
          message: 'not read: the import used up its time for inflating archives (KB_IMPORT_INFLATE_MS)',
        },
      };
    const entry = inflateEntry(p);
    return entry.ok
      ? { path: p.path, ok: true, bytes: entry.bytes }
      : { path: p.path, ok: false, error: { id: entry.id, message: entry.message } };
  });
}

type Inflated = { ok: true; bytes: Uint8Array } | { ok: false; id: string; message: string };

function inflateEntry(e: Planned): Inflated {
  const bad = (message: string): Inflated => ({ ok: false, id: 'zip_entry_corrupt', message });
  const data = e.data;
  let bytes: Buffer;
  if (e.method === 0) bytes = data;
  else {
    try {
      // Never more than the directory declared: a lying size cannot inflate past the limits.
      bytes = zlib.inflateRawSync(data, { maxOutputLength: Math.max(e.size, 1) });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return code === 'ERR_BUFFER_TOO_LARGE' ? bad('inflates past its declared size') : bad('deflate data damaged');
    }
  }
  if (bytes.length !== e.size) return bad(`size ${bytes.length} differs from the declared ${e.size}`);
  if (zlib.crc32(bytes) >>> 0 !== e.crc) return bad('CRC mismatch');
  return { ok: true, bytes };
}
