// Who may call each part of the HTTP API, as the OpenAPI document states it: one line per area
// (the longest matching prefix wins). Who may do what inside an area is server/auth/rules.ts.

export type Security = 'none' | 'staff' | 'visitor' | 'apiKey' | 'setupToken' | 'metricsToken';

export interface Area {
  prefix: string;
  tag: string;
  security: Security;
  /** paths under the prefix that need no credential */
  open?: string[];
}

export const AREAS: Area[] = [
  { prefix: '/', tag: 'pages', security: 'none' },
  { prefix: '/healthz', tag: 'health', security: 'none' },
  { prefix: '/readyz', tag: 'health', security: 'none' },
  { prefix: '/metrics', tag: 'health', security: 'metricsToken' },
  { prefix: '/openapi.json', tag: 'docs', security: 'none' },
  { prefix: '/api/docs', tag: 'docs', security: 'none' },
  { prefix: '/setup', tag: 'setup', security: 'none' },
  { prefix: '/api/setup', tag: 'setup', security: 'setupToken' },
  {
    prefix: '/api/auth',
    tag: 'auth',
    security: 'staff',
    // sign-in and its steps: a password, a second-factor challenge, a one-time password link or the IdP's redirect
    open: [
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/password',
      '/api/auth/mfa/verify',
      '/api/auth/mfa/enrol',
      '/api/auth/mfa/confirm',
      '/api/auth/sso',
      '/api/auth/sso/start',
      '/api/auth/sso/callback',
    ],
  },
  { prefix: '/api/users', tag: 'users', security: 'staff' },
  { prefix: '/api/keys', tag: 'admin', security: 'staff' },
  { prefix: '/api/policies', tag: 'admin', security: 'staff' },
  { prefix: '/api/models', tag: 'admin', security: 'staff' },
  { prefix: '/api/system', tag: 'admin', security: 'staff' },
  { prefix: '/api/canned', tag: 'agent', security: 'staff' },
  { prefix: '/api/staff', tag: 'console', security: 'staff' },
  { prefix: '/console', tag: 'pages', security: 'none' },
  { prefix: '/api/audit', tag: 'audit', security: 'staff' },
  { prefix: '/api/privacy', tag: 'privacy', security: 'staff' },
  { prefix: '/api/privacy/holds', tag: 'holds', security: 'staff' },
  { prefix: '/api/privacy/retention', tag: 'holds', security: 'staff' },
  { prefix: '/api/kb', tag: 'kb', security: 'staff' },
  { prefix: '/api/agent', tag: 'agent', security: 'staff' },
  { prefix: '/api/supervisor', tag: 'supervisor', security: 'staff' },
  { prefix: '/api/widget', tag: 'widget', security: 'visitor', open: ['/api/widget/config', '/api/widget/sessions'] },
  { prefix: '/v1', tag: 'v1', security: 'apiKey' },
];

export const TAGS: Record<string, string> = {
  pages: 'Public pages and built files (landing page, demo bank page, widget bundle)',
  health: 'Liveness, readiness and Prometheus metrics',
  docs: 'This document',
  setup: 'First-admin setup with the one-time setup token',
  auth: 'Staff sign-in (password, second factor, single sign-on, password links), refresh, sign-out',
  users: 'Staff accounts (admin)',
  admin: 'API keys for /v1, the policy files (read-only, a draft checked), model targets and the system state (admin)',
  console: 'The staff console: where data went, the retention policy, the evidence bundle, the realtime channel',
  audit: 'The audit log: search, export, verify',
  privacy: 'Data subjects and data-subject requests',
  holds: 'Legal holds (maker-checker) and retention runs',
  kb: 'Knowledge base: articles, versions, import, search, gaps',
  agent: 'Agents: the queue, follow-ups left outside office hours, handed-off conversations and canned responses',
  supervisor: "The supervisor's board: queue, agents' load, period figures and their CSV (counts and codes, no text)",
  widget:
    'The visitor widget (docs/widget-protocol.md); the WebSocket /api/widget/ws is an HTTP upgrade outside this document',
  v1: 'OpenAI-compatible chat completions through the privacy gateway',
};

const within = (path: string, prefix: string) => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);

/** The area of a path: the longest prefix it falls within. */
export function areaOf(path: string): Area {
  let best = AREAS[0]!;
  for (const a of AREAS) if (within(path, a.prefix) && a.prefix.length > best.prefix.length) best = a;
  return best;
}

export function securityOf(path: string): Security {
  const area = areaOf(path);
  return area.open?.includes(path) ? 'none' : area.security;
}
