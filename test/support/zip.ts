// Writes .zip archives for tests, honest or hostile: each entry may lie about its size, carry a
// climbing name, claim encryption, or be a symbolic link. Deflate and CRC come from node:zlib.
import zlib from 'node:zlib';

export interface ZipSpec {
  name: string;
  content: string | Uint8Array;
  /** store instead of deflate */
  stored?: boolean;
  /** the uncompressed size written in the headers (default: the true one) */
  declaredSize?: number;
  encrypted?: boolean;
  symlink?: boolean;
  /** no data of its own: the directory entry points at this earlier entry's local header and data (an overlapping-entry bomb) */
  sameDataAs?: number;
}

export function makeZip(entries: ZipSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const written: Buffer[] = [];
  for (const e of entries) {
    if (e.sameDataAs !== undefined) {
      const central = Buffer.from(written[e.sameDataAs]!);
      const name = Buffer.from(e.name);
      central.writeUInt16LE(name.length, 28);
      written.push(central);
      centrals.push(central, name);
      continue;
    }
    const raw = typeof e.content === 'string' ? Buffer.from(e.content) : Buffer.from(e.content);
    const data = e.stored ? raw : zlib.deflateRawSync(raw);
    const name = Buffer.from(e.name);
    const flags = 0x800 | (e.encrypted ? 1 : 0);
    const method = e.stored ? 0 : 8;
    const crc = zlib.crc32(raw) >>> 0;
    const size = e.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.symlink ? 0o120777 : 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    written.push(central);
    offset += local.length + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
