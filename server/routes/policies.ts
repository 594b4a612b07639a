// The policy files, read-only, for the admin and compliance workspaces: each file's text as it is
// on disk now and the SHA-256 of what is in force. The routing policy is re-read while running
// (its hash in force is the gateway's); the others are read at start, so a file changed since then
// shows `changedOnDisk` until the next start. Policies hold no personal data and no secrets
// (secrets are named by environment variable or file, never written in a policy). A draft is
// checked by the start's own parser (server/policyDraft.ts) and changes nothing.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import { POLICY_DRAFT_MAX_BYTES, PolicyDraft } from '../../protocol/system.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import { AppError, badRequest } from '../errors.ts';
import type { Infra } from '../infra.ts';
import type { ModelService } from '../models/service.ts';
import { POLICIES_DIR } from '../policies.ts';
import { checkPolicyDraft, isPolicyFile } from '../policyDraft.ts';
import type { AppState } from './context.ts';
import { validate } from './validate.ts';

const MAX_BYTES = POLICY_DRAFT_MAX_BYTES;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface OnDisk {
  name: string;
  sha256: string;
  bytes: number;
  modifiedAt: string;
  text: string | null;
}

function readDir(dir: string): OnDisk[] {
  const names = fs
    .readdirSync(dir)
    .filter((n) => /^[a-z0-9-]+\.ya?ml$/.test(n))
    .sort();
  return names.map((name) => {
    const file = path.join(dir, name);
    const stat = fs.statSync(file);
    const buf = fs.readFileSync(file);
    // a file too large to show is still hashed
    return {
      name,
      sha256: sha256(buf),
      bytes: stat.size,
      modifiedAt: stat.mtime.toISOString(),
      text: stat.size <= MAX_BYTES ? buf.toString('utf8') : null,
    };
  });
}

export function policyRoutes(deps: Infra, models: Pick<ModelService, 'policy'>) {
  const router = new Router<AppState>({ prefix: '/api/policies' });
  const dir = deps.config.models.policiesDir ?? POLICIES_DIR;
  // what was read at start (this runs as the app is built, after the services read their policies)
  const atStart = new Map(readDir(dir).map((p) => [p.name, p.sha256]));
  const startedAt = new Date().toISOString();

  router.get('/', staffAuth(deps), authorize(deps, 'read', 'Policy'), (ctx) => {
    const policies = readDir(dir).map((p) => {
      const inForce = p.name === 'routing.yaml' ? models.policy.current().hash : (atStart.get(p.name) ?? null);
      const loadedAt = p.name === 'routing.yaml' ? models.policy.loadedAt().toISOString() : inForce ? startedAt : null;
      return {
        ...p,
        inForce,
        loadedAt,
        reloads: p.name === 'routing.yaml' ? 'while running' : 'at start',
        changedOnDisk: inForce !== p.sha256,
      };
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { directory: path.basename(dir), policies };
  });

  router.post('/check', staffAuth(deps), authorize(deps, 'verify', 'Policy'), validate(PolicyDraft), (ctx) => {
    const { file, text } = ctx.state.input as PolicyDraft;
    if (!isPolicyFile(file))
      throw badRequest(
        'policy_file_unknown',
        'No such policy file: see GET /api/policies for the files the appliance reads.',
      );
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_BYTES) throw new AppError(413, 'policy_draft_too_large', `A draft is at most ${MAX_BYTES} bytes.`);
    const errors = checkPolicyDraft(file, text, dir);
    deps.logger.info('policies.draft_checked', { file, bytes, errors: errors.length });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { file, valid: errors.length === 0, errors, sha256: sha256(Buffer.from(text, 'utf8')), bytes };
  });

  return router;
}
