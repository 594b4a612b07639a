// The OpenAPI document against the app itself: every route the app mounts (found by walking the
// Koa app's middleware to its routers, as a request would meet them) is in /openapi.json with its
// methods and parameters; the bodies and queries are the routes' own zod schemas; and the document
// holds together as OpenAPI 3.1 (references resolve, names are declared, ids unique).
import type Router from '@koa/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SendMessage } from '../../protocol/widgetSchemas.ts';
import { createApp } from '../../server/http/app.ts';
import { serverMetrics } from '../../server/metrics/index.ts';
import type { OpenApiDocument } from '../../server/openapi/document.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let doc: OpenApiDocument;

beforeAll(async () => {
  server = await startTestServer();
  const res = await api<OpenApiDocument>(server, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await server?.stop();
});

/** Every (method, path) the app routes, from its middleware: @koa/router marks its dispatcher with the router. */
function mountedRoutes(): { method: string; path: string; params: string[] }[] {
  const app = createApp(
    server.deps,
    { models: server.models, chat: server.chat },
    { metrics: serverMetrics(server.deps) },
  );
  const routers = app.middleware
    .map((mw) => (mw as { router?: Router }).router)
    .filter((r): r is Router => r !== undefined);
  expect(routers.length).toBeGreaterThan(10);
  return routers.flatMap((r) =>
    r.stack.flatMap((layer) =>
      layer.methods
        .filter((m) => m !== 'HEAD')
        .map((method) => ({
          method: method.toLowerCase(),
          path: String(layer.path),
          params: layer.paramNames.map((k) => String(k.name)),
        })),
    ),
  );
}

const asTemplate = (p: string) =>
  (p.length > 1 ? p.replace(/\/$/, '') : p)
    .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    .replace(
      /\{\*([A-Za-z0-9_]+)\}|\*([A-Za-z0-9_]+)/g,
      (_, a: string | undefined, b: string | undefined) => `{${a ?? b}}`,
    );

/** What makes an OpenAPI 3.1 document hold together, as a list of problems. */
function problems(d: OpenApiDocument): string[] {
  const out: string[] = [];
  if (d.openapi !== '3.1.0') out.push('openapi is not 3.1.0');
  if (!d.info?.title || !d.info?.version) out.push('info.title and info.version are required');
  const tags = new Set(d.tags.map((t) => t.name));
  const schemes = new Set(Object.keys(d.components.securitySchemes));
  const ids = new Set<string>();
  const refs: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) k === '$ref' && typeof x === 'string' ? refs.push(x) : walk(x);
  };
  walk(d);
  for (const ref of refs) {
    const target = ref.startsWith('#/')
      ? ref
          .slice(2)
          .split('/')
          .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], d)
      : undefined;
    // zod's own references point into the schema they sit in ($defs); ours into components
    if (target === undefined && !ref.startsWith('#/$defs/') && ref !== '#') out.push(`unresolved $ref ${ref}`);
  }
  for (const [path, ops] of Object.entries(d.paths)) {
    if (!path.startsWith('/')) out.push(`${path}: a path starts with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method))
        out.push(`${where}: not an HTTP method`);
      if (ids.has(op.operationId)) out.push(`${where}: operationId ${op.operationId} twice`);
      ids.add(op.operationId);
      if (!op.responses || Object.keys(op.responses).length === 0) out.push(`${where}: no responses`);
      for (const t of op.tags) if (!tags.has(t)) out.push(`${where}: tag ${t} undeclared`);
      for (const s of op.security)
        for (const name of Object.keys(s))
          if (!schemes.has(name)) out.push(`${where}: security scheme ${name} undeclared`);
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
      if (pathParams.sort().join() !== [...templated].sort().join())
        out.push(`${where}: path parameters ${pathParams.join()} do not match the template`);
      for (const p of params)
        if (p.in === 'path' && p.required !== true) out.push(`${where}: path parameter ${p.name} must be required`);
      if (new Set(params.map((p) => `${p.in}:${p.name}`)).size !== params.length)
        out.push(`${where}: a parameter twice`);
      for (const c of Object.values(op.requestBody?.content ?? {}))
        if (!c.schema || typeof c.schema !== 'object') out.push(`${where}: body without a schema`);
    }
  }
  return out;
}

describe('GET /openapi.json', () => {
  it('holds every route the app mounts, with its methods and path parameters', () => {
    const mounted = mountedRoutes();
    expect(mounted.length).toBeGreaterThan(70);
    const missing = mounted
      .filter((r) => !doc.paths[asTemplate(r.path)]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    for (const r of mounted) {
      const declared = (doc.paths[asTemplate(r.path)]![r.method]!.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      expect(declared, `${r.method} ${r.path}`).toEqual(r.params);
    }
    for (const area of [
      '/api/widget/messages',
      '/v1/chat/completions',
      '/api/auth/login',
      '/api/users',
      '/api/audit/events',
      '/api/privacy/requests',
      '/api/privacy/holds',
      '/api/kb/articles',
      '/api/agent/queue',
      '/healthz',
      '/openapi.json',
    ]) {
      expect(doc.paths[area], area).toBeDefined();
    }
  });

  it('is a well-formed OpenAPI 3.1 document', () => {
    expect(problems(doc)).toEqual([]);
    // and the check finds what it looks for
    const broken = structuredClone(doc);
    broken.paths['/api/kb/articles/{id}']!.get!.parameters = [];
    broken.paths['/healthz']!.get!.security = [{ nobody: [] }];
    broken.paths['/readyz']!.get!.responses = { default: { $ref: '#/components/responses/Nope' } };
    expect(problems(broken)).toHaveLength(3);
  });

  it('describes bodies and queries with the schemas the routes validate with', () => {
    const send = doc.paths['/api/widget/messages']!.post!;
    const { $schema: _d, ...expected } = z.toJSONSchema(SendMessage, {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    expect(send.requestBody!.content['application/json']!.schema).toEqual(expected);
    expect(send.security).toEqual([{ visitorToken: [] }]);
    const completions = doc.paths['/v1/chat/completions']!.post!;
    expect(completions.requestBody!.content['application/json']!.schema.required as string[]).toContain('messages');
    expect(completions.security).toEqual([{ apiKey: [] }]);
    const events = doc.paths['/api/audit/events']!.get!;
    expect(events.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'action', 'limit']));
    expect(events.security).toEqual([{ staffBearer: [] }, { staffCookie: [] }]);
    expect(doc.paths['/api/auth/login']!.post!.security).toEqual([]);
    expect(Object.keys(doc.paths['/api/widget/attachments']!.post!.requestBody!.content)).toEqual([
      'application/octet-stream',
    ]);
  });

  it('is readable as a page at /api/docs', async () => {
    const page = await api(server, 'GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    for (const path of Object.keys(doc.paths))
      expect(page.text).toContain(`<code>${path.replace(/&/g, '&#38;')}</code>`);
    expect(page.text).not.toMatch(/<script/i);
  });
});
