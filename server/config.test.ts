import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('has embedded defaults: PGlite in ./data, port 8080, localhost', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.database.kind).toBe('pglite');
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.auth.bcryptCost).toBe(12);
    expect(c.auth.cookieSecure).toBe(false);
  });

  it('runs PGlite on its own thread unless PALISADE_PGLITE_THREAD is false', () => {
    expect(loadConfig({ PALISADE_DATA_DIR: '/srv/palisade' }).database).toEqual({
      kind: 'pglite',
      dir: '/srv/palisade/pglite',
      thread: true,
    });
    expect(loadConfig({ PALISADE_DATA_DIR: '/srv/palisade', PALISADE_PGLITE_THREAD: 'false' }).database).toEqual({
      kind: 'pglite',
      dir: '/srv/palisade/pglite',
      thread: false,
    });
    expect(problemsOf({ PALISADE_PGLITE_THREAD: 'sometimes' })).toEqual([
      { variable: 'PALISADE_PGLITE_THREAD', problem: 'must be true or false' },
    ]);
  });

  it('DATABASE_URL switches to the PostgreSQL server', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/palisade', DATABASE_POOL_SIZE: '20' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/palisade', poolSize: 20 });
  });

  it('https PUBLIC_URL makes cookies Secure unless overridden', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://palisade.bank.internal/' }).auth.cookieSecure).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'https://palisade.bank.internal', COOKIE_SECURE: 'false' }).auth.cookieSecure).toBe(
      false,
    );
  });

  it('parses WIDGET_ORIGINS as a list of origins', () => {
    expect(
      loadConfig({ WIDGET_ORIGINS: 'https://www.bank.example, http://localhost:3000' }).http.widgetOrigins,
    ).toEqual(['https://www.bank.example', 'http://localhost:3000']);
  });

  it.each([
    [{ PORT: '70000' }, 'PORT', /at most 65535/],
    [{ PORT: '-1' }, 'PORT', /integer/],
    [{ BCRYPT_COST: '4' }, 'BCRYPT_COST', /at least 12/],
    [{ COOKIE_SECURE: 'maybe' }, 'COOKIE_SECURE', /true or false/],
    [{ DATABASE_URL: 'sqlite://x' }, 'DATABASE_URL', /postgres/],
    [{ DATABASE_POOL_SIZE: '1' }, 'DATABASE_POOL_SIZE', /at least 2/],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL', /absolute URL/],
    [{ WIDGET_ORIGINS: 'javascript:alert(1)' }, 'WIDGET_ORIGINS', /origins/],
    [{ JWT_SECRET: 'x'.repeat(64), JWT_SECRET_FILE: '/tmp/k' }, 'JWT_SECRET', /not both/],
  ])('%o is refused, naming %s', (env, variable, problem) => {
    const problems = problemsOf(env);
    expect(problems.map((p) => p.variable)).toContain(variable);
    expect(problems.find((p) => p.variable === variable)!.problem).toMatch(problem);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).database.kind).toBe('pglite');
  });

  it('requires a second factor of admins and compliance officers by default; none or a list of roles otherwise', () => {
    expect(loadConfig({}).auth.mfa.requiredRoles).toEqual(['admin', 'compliance_officer']);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'none' }).auth.mfa.requiredRoles).toEqual([]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'agent, admin' }).auth.mfa.requiredRoles).toEqual(['agent', 'admin']);
    expect(problemsOf({ MFA_REQUIRED_ROLES: 'admin,root' })[0]?.variable).toBe('MFA_REQUIRED_ROLES');
  });

  it('turns single sign-on on with issuer, client id and secret file together, and passwords off only with it', () => {
    expect(loadConfig({}).sso).toBeUndefined();
    const sso = {
      SSO_ISSUER_URL: 'https://idp.bank.example/realms/staff',
      SSO_CLIENT_ID: 'palisade',
      SSO_CLIENT_SECRET_FILE: '/etc/palisade/sso',
    };
    const c = loadConfig({ ...sso, PUBLIC_URL: 'https://palisade.bank.example' });
    expect(c.sso).toMatchObject({
      redirectUrl: 'https://palisade.bank.example/api/auth/sso/callback',
      scopes: 'openid email profile',
      accounts: 'link',
      clockToleranceSeconds: 60,
    });
    expect(problemsOf({ SSO_ISSUER_URL: sso.SSO_ISSUER_URL }).map((p) => p.variable)).toEqual([
      'SSO_CLIENT_ID',
      'SSO_CLIENT_SECRET_FILE',
    ]);
    expect(problemsOf({ ...sso, SSO_SCOPES: 'email profile' })[0]?.variable).toBe('SSO_SCOPES');
    expect(problemsOf({ AUTH_LOCAL_PASSWORDS: 'false' })[0]?.variable).toBe('AUTH_LOCAL_PASSWORDS');
    expect(loadConfig({ ...sso, AUTH_LOCAL_PASSWORDS: 'false' }).auth.localPasswords).toBe(false);
  });
});

describe('the knowledge base embedding target (KB_EMBEDDING)', () => {
  it.each([
    { env: {}, target: undefined },
    {
      env: {
        KB_EMBEDDING: 'openai',
        KB_EMBEDDING_MODEL: 'bge-m3',
        KB_EMBEDDING_URL: 'http://embed.bank.internal:8000/v1',
        KB_EMBEDDING_LOCATION: 'local',
      },
      target: {
        kind: 'openai',
        baseURL: 'http://embed.bank.internal:8000/v1',
        apiKey: 'none',
        model: 'bge-m3',
        location: 'local',
      },
    },
    {
      env: {
        KB_EMBEDDING: 'openai',
        KB_EMBEDDING_MODEL: 'bge-m3',
        KB_EMBEDDING_URL: 'http://embed.bank.internal:8000/v1',
      },
      target: {
        kind: 'openai',
        baseURL: 'http://embed.bank.internal:8000/v1',
        apiKey: 'none',
        model: 'bge-m3',
        location: 'cloud',
      },
    },
    {
      env: {
        KB_EMBEDDING: 'openai',
        KB_EMBEDDING_MODEL: 'text-embedding-3-small',
        OPENAI_API_KEY: 'sk-test',
        KB_EMBEDDING_LOCATION: 'local',
      },
      target: { kind: 'openai', apiKey: 'sk-test', model: 'text-embedding-3-small', location: 'cloud' },
    },
    {
      env: { KB_EMBEDDING: 'llamacpp', KB_EMBEDDING_GGUF: '/models/e5.gguf' },
      target: { kind: 'llamacpp', modelPath: '/models/e5.gguf', threads: 1 },
    },
  ])('$env.KB_EMBEDDING $env.KB_EMBEDDING_LOCATION → $target.location', ({ env, target }) => {
    expect(loadConfig(env).knowledge.embedding).toEqual(target);
  });

  it('refuses a target without its model', () => {
    expect(problemsOf({ KB_EMBEDDING: 'openai' }).map((p) => p.variable)).toEqual(['KB_EMBEDDING_MODEL']);
    expect(problemsOf({ KB_EMBEDDING: 'llamacpp' }).map((p) => p.variable)).toEqual(['KB_EMBEDDING_GGUF']);
    expect(problemsOf({ KB_EMBEDDING: 'sometimes' }).map((p) => p.variable)).toEqual(['KB_EMBEDDING']);
  });
});
