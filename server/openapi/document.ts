// The OpenAPI 3.1 document, generated from the app's routers: every route they hold (path
// template, methods, path parameters) and, where a route validates its input, the zod schema it
// validates with (routes/validate.ts marks those middlewares), as JSON Schema 2020-12 (z.toJSONSchema),
// and what it answers (responses.ts: protocol/'s schemas by route and status).
// Who may call a route comes from areas.ts. Nothing here is written twice by hand, so a new route
// or a changed schema is in the document the next time it is built.
import type Router from '@koa/router';
import { z } from 'zod';
import { validatesOf } from '../routes/validate.ts';
import { areaOf, securityOf, TAGS, type Security } from './areas.ts';
import { RESPONSE_SCHEMAS, RESPONSES } from './responses.ts';

type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  security: Record<string, string[]>[];
  parameters?: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

const SECURITY: Record<Security, Record<string, string[]>[]> = {
  none: [],
  setupToken: [], // the one-time token travels in the body
  staff: [{ staffBearer: [] }, { staffCookie: [] }],
  visitor: [{ visitorToken: [] }],
  apiKey: [{ apiKey: [] }],
  metricsToken: [{ metricsToken: [] }],
};

/** Bodies that are not JSON: read raw by their route. */
const RAW_BODIES: Record<string, Record<string, { schema: JsonSchema }>> = {
  'POST /api/widget/attachments': {
    'application/octet-stream': {
      schema: {
        type: 'string',
        contentMediaType: 'application/octet-stream',
        description: "the file's bytes; Content-Type names its type (the site's allowed types)",
      },
    },
  },
};

/** A request is described as it may be sent (io: input), an answer as the server sends it (output: no extra properties). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const json = (name: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } });

function responsesOf(method: string, template: string): Record<string, unknown> {
  const described = RESPONSES[`${method} ${template}`];
  const error = { $ref: `#/components/responses/${areaOf(template).tag === 'v1' ? 'V1Error' : 'Error'}` };
  if (!described) return { '2XX': { description: 'Success' }, default: error };
  const out: Record<string, unknown> = {};
  for (const [status, name] of Object.entries(described))
    out[status] = name ? { description: name, content: json(name) } : { description: 'No content' };
  return { ...out, default: error };
}

/** `/api/x/:id` → `/api/x/{id}`; a trailing slash dropped. */
export const templateOf = (path: string): string =>
  (path.length > 1 ? path.replace(/\/$/, '') : path)
    .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    .replace(
      /\{\*([A-Za-z0-9_]+)\}|\*([A-Za-z0-9_]+)/g,
      (_, a: string | undefined, b: string | undefined) => `{${a ?? b}}`,
    );

const operationIdOf = (method: string, template: string) =>
  `${method.toLowerCase()}${
    template
      .replace(/[{}]/g, '')
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('') || 'Root'
  }`;

function operation(method: string, template: string, stack: unknown[], paramNames: string[]): OpenApiOperation {
  const op: OpenApiOperation = {
    operationId: operationIdOf(method, template),
    tags: [areaOf(template).tag],
    summary: `${method} ${template}`,
    security: SECURITY[securityOf(template)],
    responses: responsesOf(method, template),
  };
  const parameters: NonNullable<OpenApiOperation['parameters']> = paramNames.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  for (const mw of stack) {
    const v = validatesOf(mw);
    if (!v) continue;
    const schema = jsonSchema(v.schema);
    if (v.in === 'body') op.requestBody = { required: true, content: { 'application/json': { schema } } };
    else {
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [name, s] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {}))
        parameters.push({ name, in: 'query', required: required.has(name), schema: s });
    }
  }
  const raw = RAW_BODIES[`${method} ${template}`];
  if (raw) op.requestBody = { required: true, content: raw };
  if (parameters.length) op.parameters = parameters;
  return op;
}

/** Every route of these routers, in the order they are mounted. */
export function buildOpenApi(routers: Router[], opts: { version: string; serverUrl: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const router of routers) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string' || layer.methods.length === 0) continue;
      const template = templateOf(layer.path);
      for (const method of layer.methods) {
        if (method === 'HEAD') continue; // answered with every GET
        (paths[template] ??= {})[method.toLowerCase()] = operation(
          method,
          template,
          layer.stack,
          layer.paramNames.map((k) => String(k.name)),
        );
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Palisade',
      version: opts.version,
      description:
        'The appliance\'s HTTP API. Errors are `{"error": {"id", "message", "requestId"}}` with a stable id (docs/http-api.md); every response carries X-Request-Id.',
    },
    servers: [{ url: opts.serverUrl }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(RESPONSE_SCHEMAS).map(([name, schema]) => [name, jsonSchema(schema, 'output')]),
      ),
      responses: {
        Error: { description: 'An error with a stable id', content: json('Error') },
        V1Error: {
          description: "An error with a stable id (code) and OpenAI's type for its status",
          content: json('V1Error'),
        },
      },
      securitySchemes: {
        staffBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'accessToken from POST /api/auth/login with mode "bearer"',
        },
        staffCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'palisade_at',
          description: 'set by POST /api/auth/login in cookie mode (writes need a same-origin Origin)',
        },
        visitorToken: { type: 'http', scheme: 'bearer', description: 'the token from POST /api/widget/sessions' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API key (pal_…) from `npx palisade api-key create`',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'the token in METRICS_TOKEN_FILE' },
      },
    },
  };
}
