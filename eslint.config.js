// ESLint: the recommended rules of ESLint and typescript-eslint, and the import direction of
// docs/architecture.md as `no-restricted-imports` patterns (regular expressions over the import
// specifier). Layers inside server/, top to bottom:
//   main (main.ts, boot.ts) → http/ → routes/ (and the staff-auth middleware) → services
//   (chat, privacy, knowledge, models, staff, audit, auth) → stores (<area>/store.ts, or one file
//   per topic in <area>/store/) → db/
// plus the base every layer may use: config, secrets, logger, keys, policies, heap, infra, errors.
// server/ reaches gateway/ through its entry files only; gateway/ imports nothing from server/;
// web/ imports protocol/ only; protocol/ imports neither. Tests may import anything.
// Import circles are found by madge (test/support/circles.ts, `npm run lint:circles`).
// SQL (query() calls) only in stores, db/, the migrations, cluster/ and the CLI's backup.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/*.testkit.ts', '**/*.fixture.ts', 'test/**'];
const SERVICES = ['chat', 'privacy', 'knowledge', 'models', 'staff', 'audit', 'auth'];

/** A restriction: an import specifier matching `regex` is refused with `message`. */
const no = (regex, message) => ({ regex, message });

const below = {
  http: no('(^|/)http/', 'Only boot.ts imports server/http/: the layers below it never do.'),
  main: no('(^|/)(boot|main)\\.ts$', 'Nothing imports the entry points (main.ts, boot.ts).'),
  cli: no('(^|/)cli/', 'Only the CLI imports server/cli/.'),
  routes: no('(^|/)routes/', 'Services do not import routes: routes call services.'),
  stores: no('(^|/)store(\\.ts$|/)', 'Routes call services, not stores.'),
};

const restrict = (files, patterns, extra = {}) => ({
  files,
  ignores: TESTS,
  rules: { 'no-restricted-imports': ['error', { patterns, ...extra }] },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '**/dist/**',
      'build/**',
      '.cache/**',
      'test-artifacts/**',
      'data/**',
      '**/*.mjs',
      'web/setup/**',
      'web/demo/**',
    ],
  },
  js.configs.recommended,
  // bin/ holds plain Node scripts
  {
    files: ['bin/**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', performance: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `a(), b()` sequences, `ready && start()` and `a ? b() : c()` are statements here
      '@typescript-eslint/no-unused-expressions': 'off',
      // `\/` in a regular expression reads as the slash it matches
      'no-useless-escape': 'off',
      // `let { start, end } = …` where only one of them changes
      'prefer-const': ['error', { destructuring: 'all' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  // no source file over 400 lines: split along a seam
  { files: ['**/*.ts', '**/*.tsx', '**/*.js'], rules: { 'max-lines': ['error', { max: 400 }] } },
  // server/ and gateway/ log through the logger (or a log sink), never the console
  { files: ['server/**', 'gateway/**'], ignores: TESTS, rules: { 'no-console': 'error' } },

  // SQL lives in stores (and db/, the migrations, the cluster's locks and bus): a service or a route
  // that needs a statement calls its area's store
  {
    files: ['server/**/*.ts'],
    ignores: [
      ...TESTS,
      'server/*/store.ts',
      'server/*/store/**',
      'server/*/*Store.ts',
      'server/*/*/store.ts',
      'server/db/**',
      'server/cluster/**',
      'server/cli/backupDatabase.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(query|createQueryBuilder)$/]',
          message: "SQL belongs in the area's store (server/<area>/store.ts or store/): call a store function.",
        },
      ],
    },
  },

  // --- import direction (one no-restricted-imports setting per file: the last matching wins) ---
  restrict(['server/**'], [below.http, below.main, below.cli]),
  restrict(['server/routes/**', 'server/auth/staffAuth.ts'], [below.http, below.main, below.cli, below.stores]),
  restrict(
    SERVICES.map((area) => `server/${area}/**`),
    [below.http, below.main, below.cli, below.routes],
  ),
  restrict(['server/auth/staffAuth.ts'], [below.http, below.main, below.cli, below.stores]),
  restrict(
    ['server/*/store.ts'],
    [
      below.http,
      below.main,
      below.cli,
      below.routes,
      no(
        '^\\./(?!store\\.ts$|event\\.ts$)',
        "A store imports no service of its area: services call stores (event.ts is the audit event's shape).",
      ),
      no(
        '^\\.\\./(?!db/|errors\\.ts$|infra\\.ts$|config\\.ts$|logger\\.ts$|[a-z]+/store\\.ts$|[a-z]+/store/|audit/event\\.ts$|\\.\\./gateway/|\\.\\./protocol/)',
        "A store imports db/, the base, other stores and the audit event's shape only.",
      ),
    ],
  ),
  // an area's store as a folder (one file per topic): the same rule, one directory deeper
  restrict(
    ['server/*/store/**'],
    [
      below.http,
      below.main,
      below.cli,
      below.routes,
      no('^\\.\\./(?!\\.\\./)', 'A store imports no service of its area: services call stores.'),
      no(
        '^\\.\\./\\.\\./(?!db/|errors\\.ts$|infra\\.ts$|config\\.ts$|logger\\.ts$|[a-z]+/store\\.ts$|[a-z]+/store/|audit/event\\.ts$|\\.\\./gateway/|\\.\\./protocol/)',
        "A store imports db/, the base, other stores and the audit event's shape only.",
      ),
    ],
  ),
  restrict(
    ['server/db/**'],
    [
      no(
        '^\\.\\./(?!config\\.ts$|logger\\.ts$|errors\\.ts$)',
        'db/ is the bottom layer: it imports only config, logger and errors.',
      ),
    ],
  ),
  restrict(['server/http/**', 'server/boot.ts', 'server/main.ts'], [below.cli]),
  restrict(['server/cli/**'], [below.http, below.main]),
  restrict(
    ['gateway/**'],
    [no('(^|/)(server|web|test)/', 'gateway/ is a library: it imports nothing from server/, web/ or test/.')],
    {
      paths: ['koa', '@koa/router', 'typeorm', 'winston'].map((name) => ({
        name,
        message: 'gateway/ takes what it needs as deps: no Koa, TypeORM or winston.',
      })),
    },
  ),
  restrict(
    ['web/**'],
    [
      no(
        '(^|/)(server|gateway|test)/',
        'web/ talks to the server over HTTP and shares its wire types through protocol/ only.',
      ),
    ],
  ),
  restrict(
    ['protocol/**'],
    [no('(^|/)(server|gateway|web|test)/', 'protocol/ is shared by server/ and web/: it imports neither.')],
  ),

  // server/ reaches gateway/ through gateway/index.ts and gateway/<area>/index.ts only
  {
    files: ['server/**'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            no(
              '(^|/)gateway/[^/]+/(?!index\\.ts$)',
              "server/ imports the gateway's entry files only (gateway/index.ts, gateway/<area>/index.ts).",
            ),
          ],
        },
      ],
    },
  },
);
