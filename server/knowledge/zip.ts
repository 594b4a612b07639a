// A .zip import read in memory: the central directory (the archive's own index) lists the entries,
// each is inflated with zlib and checked against its CRC. Nothing is written to disk, and the guards
// against a hostile archive are data: an entry count, a total and a per-entry uncompressed size,
// checked on the sizes the directory declares and enforced again while inflating (the declaration
// may lie). A bad entry is reported on its own; the archive's other entries still import.
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

export type ZipEntry = { path: string; ok: true; bytes: Uint8Array } | { path: string; ok: false; error: { id: string; message: string } };

export class ZipRefused extends Error {
  constructor(readonly id: string, message: string) {
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
const skipped = (name: string) => name.endsWith('/') || name.split('/').some((seg) => seg.startsWith('.') || seg === '__MACOSX');

function findEnd(buf: Buffer): number {
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) if (buf.readUInt32LE(i) === EOCD) return i;
  throw new ZipRefused('zip_corrupt', 'not a zip archive (no end of central directory)');
}

export function readZip(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 22) throw new ZipRefused('zip_corrupt', 'not a zip archive (too short)');
  const end = findEnd(buf);
  const count = buf.readUInt16LE(end + 10);
  const dirSize = buf.readUInt32LE(end + 12);
  const dirOffset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new ZipRefused('zip_unsupported', 'ZIP64 archives are not supported');
  if (buf.readUInt16LE(end + 4) !== 0 || buf.readUInt16LE(end + 6) !== 0) throw new ZipRefused('zip_unsupported', 'multi-part archives are not supported');
  if (count > limits.entries) throw new ZipRefused('zip_too_many_entries', `more than ${limits.entries} entries`);
  if (dirOffset + dirSize > end) throw new ZipRefused('zip_corrupt', 'central directory out of bounds');

  const out: ZipEntry[] = [];
  let declaredTotal = 0;
  let at = dirOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > end || buf.readUInt32LE(at) !== CENTRAL) throw new ZipRefused('zip_corrupt', 'central directory entry damaged');
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
    const entry = inflateEntry(buf, { localOffset, method, compressed, size, crc, limit: dirOffset });
    if (entry.ok) out.push({ path, ok: true, bytes: entry.bytes });
    else fail(entry.id, entry.message);
  }
  return out;
}

type Inflated = { ok: true; bytes: Uint8Array } | { ok: false; id: string; message: string };

function inflateEntry(buf: Buffer, e: { localOffset: number; method: number; compressed: number; size: number; crc: number; limit: number }): Inflated {
  const bad = (message: string): Inflated => ({ ok: false, id: 'zip_entry_corrupt', message });
  if (e.localOffset + 30 > e.limit || buf.readUInt32LE(e.localOffset) !== LOCAL) return bad('local header missing');
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  if (start + e.compressed > e.limit) return bad('data runs past the central directory');
  const data = buf.subarray(start, start + e.compressed);
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
