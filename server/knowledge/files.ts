// Reading an import from disk: one file (a .zip included), or every file under a folder (hidden
// files and symlinks skipped; unsupported types reported per file by the parser, not silently dropped).
import fs from 'node:fs';
import path from 'node:path';
import { MAX_FILE_BYTES } from '../../gateway/knowledge/index.ts';
import { isZipPath } from './zip.ts';

export interface ImportSource {
  /** path relative to the folder imported (or the file's name) */
  path: string;
  bytes: Uint8Array;
}

export const MAX_FILES = 5000;
/** A .zip is read whole (its index is at the end); its entries then face the zip limits. */
export const MAX_ZIP_BYTES = 32 * 1024 * 1024;

export function readImportPath(target: string): ImportSource[] {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [{ path: path.basename(target), bytes: readCapped(target) }];
  const out: ImportSource[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        if (out.length >= MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${target}`);
        out.push({ path: path.relative(target, full).split(path.sep).join('/'), bytes: readCapped(full) });
      }
    }
  };
  walk(target);
  return out;
}

/** A file over the limit is read only one byte past it: enough for the parser to refuse it. */
function readCapped(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (isZipPath(file) && size > MAX_ZIP_BYTES) throw new Error(`${file} is larger than ${MAX_ZIP_BYTES} bytes`);
    const buf = Buffer.alloc(Math.min(size, isZipPath(file) ? MAX_ZIP_BYTES : MAX_FILE_BYTES + 1));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
