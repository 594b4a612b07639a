// The evidence bundle from the console: what `palisade evidence` writes (policies with hashes,
// retention runs, closed requests with receipts, the audit chain's check, models and data flows,
// the signed checkpoints), generated into a private temporary directory and sent as one .zip. The
// bundle holds no personal data; its generation is audited (`evidence.export`) like the CLI's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Router from '@koa/router';
import { localWitness } from '../audit/witness.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import { writeEvidence } from '../privacy/evidence.ts';
import type { AppState } from './context.ts';

interface Entry {
  name: string;
  data: Buffer;
}

/** A plain .zip (deflated entries, no encryption, no directories): what every auditor's tool opens. */
export function zipOf(entries: Entry[], at: Date): Buffer {
  const time = ((at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1)) & 0xffff;
  const date = (((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate()) & 0xffff;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = zlib.deflateRawSync(e.data, { level: 9 });
    const crc = zlib.crc32(e.data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6); // names in UTF-8
    head.writeUInt16LE(8, 8); // deflate
    head.writeUInt16LE(time, 10);
    head.writeUInt16LE(date, 12);
    head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(e.data.length, 22);
    head.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    head.copy(central, 8, 6, 28); // flags, method, time, date, crc, sizes, name length
    central.writeUInt32LE(offset, 42);
    locals.push(head, name, packed);
    centrals.push(central, name);
    offset += head.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export function consoleEvidenceRoutes(deps: Infra) {
  const router = new Router<AppState>();
  const witness = localWitness(deps.config.dataDir, deps.secrets.auditCheckpointKey);
  router.get('/api/staff/evidence', staffAuth(deps), authorize(deps, 'export', 'AuditLog'), async (ctx) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-evidence-'));
    try {
      const summary = await writeEvidence(
        { dataSource: deps.db.dataSource, config: deps.config, now: deps.now, witness },
        dir,
        { type: 'staff', id: ctx.state.staff!.userId },
      );
      const at = new Date(summary.generatedAt);
      const zip = zipOf(
        summary.files.map((name) => ({ name, data: fs.readFileSync(path.join(dir, name)) })),
        at,
      );
      ctx.set(
        'Content-Disposition',
        `attachment; filename="palisade-evidence-${summary.generatedAt.replace(/[:.]/g, '-')}.zip"`,
      );
      ctx.type = 'application/zip';
      ctx.body = zip;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return router;
}
