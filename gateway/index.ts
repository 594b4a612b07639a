// The gateway's one entry, re-exporting each area's (model pipeline, providers, routing,
// redaction, knowledge): the only gateway files the server imports. Providers, policy, vaults,
// audit and clock come into createGateway as dependencies; nothing here knows HTTP, the database
// or the logger.
export * from './model/index.ts';
export * from './providers/index.ts';
export * from './routing/index.ts';
export * from './redaction/index.ts';
export * from './knowledge/index.ts';
