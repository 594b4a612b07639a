// Compliance console API for data subjects and their requests (JSON). Thin: auth → authorize →
// validate → a privacy command in its own transaction → presenter.
import Router from '@koa/router';
import { z } from 'zod';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { validationFailed } from '../errors.ts';
import { validate, validateQuery } from './validate.ts';
import { SUBJECT_ID } from '../privacy/subjectId.ts';
import { keyStoreOf } from '../privacy/deps.ts';
import { runErasureJob, startErasure } from '../privacy/erasure.ts';
import { exportSubject } from '../privacy/export.ts';
import { retentionPolicyOf } from '../privacy/jobs.ts';
import {
  completeRequest,
  CreateRequest,
  createRequest,
  getRequest,
  ListRequests,
  listRequests,
  type SubjectRequest,
  TransitionRequest,
  transitionRequest,
} from '../privacy/requests.ts';
import { createDataSubject, lookupDataSubject, SubjectIdentifier } from '../privacy/subjects.ts';
import { Rectification, rectify } from '../privacy/rectification.ts';
import { privacyTransaction } from '../privacy/transaction.ts';

const CreateSubject = z.strictObject({ identifiers: z.array(SubjectIdentifier).max(10).default([]) });
type CreateSubject = z.infer<typeof CreateSubject>;

const param = <T>(schema: z.ZodType<T>, value: unknown, name: string): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed([{ path: name, message: 'is not a valid id' }]);
  return parsed.data;
};
const subjectParam = (v: unknown) => param(z.string().regex(SUBJECT_ID), v, 'id');
const requestParam = (v: unknown) => param(z.uuid(), v, 'id');

export function privacyRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/privacy' });
  const policy = retentionPolicyOf(deps);
  const opts = (state: AppState, action: string, subjectId?: string) => ({
    actor: { type: 'staff' as const, id: state.staff!.userId },
    requestId: state.requestId,
    action,
    subjectId,
  });

  router.post(
    '/subjects',
    staffAuth(deps),
    authorize(deps, 'create', 'DataSubject'),
    validate(CreateSubject),
    async (ctx) => {
      const { identifiers } = ctx.state.input as CreateSubject;
      const subject = await privacyTransaction(deps, opts(ctx.state, 'subject.create'), (p) =>
        createDataSubject(p, identifiers),
      );
      ctx.status = 201;
      ctx.body = { subject };
    },
  );

  router.post(
    '/subjects/lookup',
    staffAuth(deps),
    authorize(deps, 'read', 'DataSubject'),
    validate(SubjectIdentifier),
    async (ctx) => {
      const subject = await privacyTransaction(deps, opts(ctx.state, 'subject.lookup'), (p) =>
        lookupDataSubject(p, ctx.state.input as SubjectIdentifier),
      );
      ctx.body = { subject: subject ?? null };
    },
  );

  router.get('/subjects/:id/export', staffAuth(deps), authorize(deps, 'export', 'DataSubject'), async (ctx) => {
    const subjectId = subjectParam(ctx.params.id);
    const archive = await privacyTransaction(deps, opts(ctx.state, 'subject.export', subjectId), (p) =>
      exportSubject(p, subjectId),
    );
    ctx.set('Content-Disposition', `attachment; filename="palisade-export-${subjectId}.json"`);
    ctx.body = archive;
  });

  router.post(
    '/requests',
    staffAuth(deps),
    authorize(deps, 'create', 'SubjectRequest'),
    validate(CreateRequest),
    async (ctx) => {
      const input = ctx.state.input as CreateRequest;
      const request = await privacyTransaction(deps, opts(ctx.state, 'dsr.create', input.subjectId), (p) =>
        createRequest(p, policy, input),
      );
      ctx.status = 201;
      ctx.body = { request };
    },
  );

  router.get(
    '/requests',
    staffAuth(deps),
    authorize(deps, 'read', 'SubjectRequest'),
    validateQuery(ListRequests),
    async (ctx) => {
      const requests = await privacyTransaction(deps, opts(ctx.state, 'dsr.list'), (p) =>
        listRequests(p, policy, ctx.state.query as ListRequests),
      );
      ctx.body = { requests };
    },
  );

  router.get('/requests/:id', staffAuth(deps), authorize(deps, 'read', 'SubjectRequest'), async (ctx) => {
    const id = requestParam(ctx.params.id);
    ctx.body = { request: await deps.db.dataSource.transaction((tx) => getRequest({ tx }, id)) };
  });

  router.post(
    '/requests/:id/transition',
    staffAuth(deps),
    authorize(deps, 'update', 'SubjectRequest'),
    validate(TransitionRequest),
    async (ctx) => {
      const id = requestParam(ctx.params.id);
      const request = await privacyTransaction(deps, opts(ctx.state, 'dsr.transition'), (p) =>
        transitionRequest(p, id, ctx.state.input as TransitionRequest),
      );
      ctx.body = { request };
    },
  );

  // Carries out a verified rectification: the identifier is replaced and the request is done.
  router.post(
    '/requests/:id/rectify',
    staffAuth(deps),
    authorize(deps, 'update', 'SubjectRequest'),
    validate(Rectification),
    async (ctx) => {
      const id = requestParam(ctx.params.id);
      ctx.body = {
        request: await privacyTransaction(deps, opts(ctx.state, 'dsr.rectify'), (p) =>
          rectify(p, id, ctx.state.input as Rectification),
        ),
      };
    },
  );

  // Carries out a verified request: access → the export archive; erasure → the erasure job and its receipt.
  router.post('/requests/:id/execute', staffAuth(deps), authorize(deps, 'update', 'SubjectRequest'), async (ctx) => {
    const id = requestParam(ctx.params.id);
    const started = await privacyTransaction(deps, opts(ctx.state, 'dsr.execute'), async (p) => {
      let r: SubjectRequest = await getRequest(p, id, true);
      if (r.state === 'identity_verified') r = await transitionRequest(p, id, { to: 'in_progress' });
      if (r.state !== 'in_progress' || r.type === 'rectification')
        return { request: await transitionRequest(p, id, { to: 'done' }) };
      if (r.type === 'access') {
        const archive = await exportSubject(p, r.subjectId);
        const receipt = {
          conversations: archive.conversations.length,
          messages: archive.conversations.reduce((n, c) => n + c.messages.length, 0),
          consents: archive.consents.length,
          auditEvents: archive.auditEvents.length,
          generatedAt: archive.generatedAt,
        };
        return { request: await completeRequest(p, id, receipt), export: archive };
      }
      return { jobId: await startErasure(p, r.subjectId, id) };
    });
    if (started.jobId) {
      const receipt = await runErasureJob(
        { dataSource: deps.db.dataSource, now: deps.now, keyStore: keyStoreOf(deps) },
        started.jobId,
      );
      ctx.body = { request: await deps.db.dataSource.transaction((tx) => getRequest({ tx }, id)), receipt };
      return;
    }
    ctx.body = started;
  });

  return router;
}
