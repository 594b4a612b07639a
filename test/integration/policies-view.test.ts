// The policy files, read-only, through the real server: every file with its text and the hash in
// force; a changed retention file shows as changed on disk (read at start), a changed routing
// file is taken on reload and then in force; only admins, compliance officers and auditors read.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { policiesDir } from '../support/widget.ts';

interface PolicyView {
  name: string;
  sha256: string;
  text: string | null;
  inForce: string | null;
  reloads: string;
  changedOnDisk: boolean;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let policies: ReturnType<typeof policiesDir>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  policies = policiesDir({});
  server = await startTestServer({ PALISADE_POLICIES_DIR: policies.dir });
  for (const role of ['admin', 'compliance_officer', 'auditor', 'agent'] as const) {
    await seedStaff(server, { email: `policies-${role}@bank.test`, password: PASSWORD, role });
    tokens[role] = (await bearerLogin(server, `policies-${role}@bank.test`, PASSWORD)).accessToken;
  }
});
afterAll(async () => {
  await server?.stop();
  policies?.remove();
});

const view = async (token = tokens.admin) => {
  const res = await api<{ policies: PolicyView[] }>(server, 'GET', '/api/policies', { token });
  expect(res.status).toBe(200);
  return new Map(res.body.policies.map((p) => [p.name, p]));
};
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('GET /api/policies', () => {
  it('lists every policy file with its text, its hash and the hash in force', async () => {
    const files = fs
      .readdirSync(policies.dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const seen = await view();
    expect([...seen.keys()]).toEqual(files);
    for (const f of files) {
      const text = fs.readFileSync(path.join(policies.dir, f), 'utf8');
      expect(seen.get(f)).toMatchObject({ text, sha256: sha(text), inForce: sha(text), changedOnDisk: false });
    }
  });

  it('a file changed on disk shows so until it is taken: routing on reload, the others at the next start', async () => {
    const retention = path.join(policies.dir, 'retention.yaml');
    const before = fs.readFileSync(retention, 'utf8');
    fs.writeFileSync(retention, `${before}\n# edited\n`);
    const routing = path.join(policies.dir, 'routing.yaml');
    fs.writeFileSync(routing, `${fs.readFileSync(routing, 'utf8')}\n# edited\n`);
    let seen = await view(tokens.compliance_officer);
    expect(seen.get('retention.yaml')).toMatchObject({
      changedOnDisk: true,
      inForce: sha(before),
      reloads: 'at start',
    });
    expect(server.models.policy.reload()).toBe(true);
    seen = await view(tokens.auditor);
    expect(seen.get('routing.yaml')).toMatchObject({
      changedOnDisk: false,
      inForce: sha(fs.readFileSync(routing, 'utf8')),
      reloads: 'while running',
    });
    expect(seen.get('retention.yaml')!.changedOnDisk).toBe(true);
  });

  it('agents and anonymous callers are refused', async () => {
    expect((await api(server, 'GET', '/api/policies', { token: tokens.agent })).status).toBe(403);
    expect((await api(server, 'GET', '/api/policies')).status).toBe(401);
  });
});
