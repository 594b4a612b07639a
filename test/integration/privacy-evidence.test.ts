// The auditors' evidence bundle, written from a real database that has closed requests, an
// erasure, retention runs and an audit trail: every file is there, hashes are the files' own,
// receipts are the stored ones, open requests and personal data are not in it, and writing it is audited.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICIES_DIR } from '../../server/policies.ts';
import { keyStoreOf } from '../../server/privacy/deps.ts';
import { runErasureJob, startErasure } from '../../server/privacy/erasure.ts';
import { writeEvidence } from '../../server/privacy/evidence.ts';
import { retentionPolicyOf } from '../../server/privacy/jobs.ts';
import { completeRequest, createRequest, transitionRequest } from '../../server/privacy/requests.ts';
import { runRetention } from '../../server/privacy/retention.ts';
import { auditEvents } from '../support/audit.ts';
import { inTx, seedSubject, SYSTEM } from '../support/privacy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let out: string;
beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-evidence-'));
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(out, { recursive: true, force: true });
});

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const json = <T>(name: string, dir = out) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as T;
type Row = Record<string, unknown> & { receipt: Record<string, unknown> | null };

describe('the evidence bundle', () => {
  it('holds policies with their hashes, retention runs, closed requests with receipts, the chain check and data flows', async () => {
    const policy = retentionPolicyOf(server.deps);
    const maria = await seedSubject(server, 'EVID1');
    const ana = await seedSubject(server, 'EVID2');
    const ids = await inTx(server, async (ctx) => {
      const step = async (id: string) => {
        await transitionRequest(ctx, id, { to: 'identity_verified' });
        return transitionRequest(ctx, id, { to: 'in_progress' });
      };
      const access = await createRequest(ctx, policy, { subjectId: ana.subjectId, type: 'access' });
      await step(access.id);
      await completeRequest(ctx, access.id, { conversations: 1, generatedAt: ctx.now.toISOString() });
      const refused = await createRequest(ctx, policy, { subjectId: ana.subjectId, type: 'rectification' });
      await transitionRequest(ctx, refused.id, { to: 'refused', reason: 'identity could not be verified' });
      const open = await createRequest(ctx, policy, { subjectId: ana.subjectId, type: 'access' });
      const erasure = await createRequest(ctx, policy, { subjectId: maria.subjectId, type: 'erasure' });
      await step(erasure.id);
      return {
        access: access.id,
        refused: refused.id,
        open: open.id,
        erasure: erasure.id,
        job: await startErasure(ctx, maria.subjectId, erasure.id),
      };
    });
    await runErasureJob(
      { dataSource: server.deps.db.dataSource, now: server.deps.now, keyStore: keyStoreOf(server.deps) },
      ids.job,
    );
    await runRetention({ dataSource: server.deps.db.dataSource, now: server.deps.now }, policy, {
      dryRun: true,
      actor: SYSTEM,
    });

    const config = {
      ...server.deps.config,
      models: { ...server.deps.config.models, ollamaHosts: ['http://gpu1.bank.internal:11434'] },
    };
    const summary = await writeEvidence(
      { dataSource: server.deps.db.dataSource, config, now: server.deps.now },
      out,
      SYSTEM,
    );
    expect(fs.readdirSync(out).sort()).toEqual([
      'README.txt',
      'audit-chain.json',
      'models.json',
      'policies.json',
      'requests.json',
      'retention-runs.json',
    ]);
    expect(summary.files).toHaveLength(6);

    const policies = json<{ file: string; sha256: string }[]>('policies.json');
    const shipped = fs
      .readdirSync(POLICIES_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(policies.map((p) => p.file)).toEqual(shipped);
    for (const p of policies) expect(p.sha256, p.file).toBe(sha(path.join(POLICIES_DIR, p.file)));

    const runs = json<{ status: string; dryRun: boolean; policyHash: string }[]>('retention-runs.json');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'done', dryRun: true, policyHash: policy.hash });

    const requests = json<Row[]>('requests.json');
    expect(requests.map((r) => r.id).sort()).toEqual([ids.access, ids.refused, ids.erasure].sort());
    expect(requests.find((r) => r.id === ids.erasure)).toMatchObject({
      state: 'done',
      type: 'erasure',
      subjectId: maria.subjectId,
      onTime: true,
      receipt: { keyDestroyed: true, erased: { key_secret: 1, messages: 3, attachments: 1 } },
    });
    expect(requests.find((r) => r.id === ids.access)).toMatchObject({ state: 'done', receipt: { conversations: 1 } });
    expect(requests.find((r) => r.id === ids.refused)).toMatchObject({
      state: 'refused',
      refusedReason: 'identity could not be verified',
      receipt: null,
    });

    const chain = json<{ ok: boolean; checked: number; unsealed: number }>('audit-chain.json');
    expect(chain.ok).toBe(true);
    expect(chain.checked).toBeGreaterThan(20);
    expect(chain.unsealed).toBe(0); // sealed first, then verified

    const models = json<{
      routingPolicy: { sha256: string };
      targets: { target: string; location: string; configured: boolean; destination: string; usedByRules: string[] }[];
    }>('models.json');
    expect(models.routingPolicy.sha256).toBe(sha(path.join(POLICIES_DIR, 'routing.yaml')));
    expect(models.targets.find((t) => t.target === 'gpu-pool')).toMatchObject({
      location: 'local',
      configured: true,
      destination: 'http://gpu1.bank.internal:11434',
    });
    expect(models.targets.find((t) => t.target === 'gpt')).toMatchObject({ location: 'cloud', configured: false });
    expect(models.targets.find((t) => t.target === 'gpt')!.usedByRules.length).toBeGreaterThan(0);

    const readme = fs.readFileSync(path.join(out, 'README.txt'), 'utf8');
    expect(readme).toContain('Audit chain: VERIFIED');
    for (const p of policies) expect(readme).toContain(`${p.sha256}  ${p.file}`);
    expect(readme).toMatch(/gpu-pool: ollama .* configured -> http:\/\/gpu1\.bank\.internal:11434/);

    // Pseudonyms and counts only: no one's personal data is in the bundle.
    const bundle = fs
      .readdirSync(out)
      .map((f) => fs.readFileSync(path.join(out, f), 'utf8'))
      .join('\n');
    for (const s of [...maria.secrets, ...ana.secrets]) expect(bundle.includes(s), s).toBe(false);
    const [event] = await auditEvents(server, `action = 'evidence.export'`);
    expect(event).toMatchObject({
      actorType: 'system',
      details: { files: 6, requests: 3, retentionRuns: 1, chainOk: true },
    });
  });

  it('is written without a routing policy or model settings, and says so', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-nopolicies-'));
    const dir = path.join(out, 'bare');
    const config = { ...server.deps.config, models: { policiesDir: empty, ollamaHosts: [] } };
    await writeEvidence({ dataSource: server.deps.db.dataSource, config, now: server.deps.now }, dir, SYSTEM);
    expect(json<unknown[]>('policies.json', dir)).toEqual([]);
    expect(json<{ routingPolicy: { problem: string }; targets: unknown[] }>('models.json', dir)).toMatchObject({
      routingPolicy: { problem: 'absent' },
      targets: [],
    });
    expect(fs.readFileSync(path.join(dir, 'README.txt'), 'utf8')).toContain('no routing policy targets');
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
