// The redaction area's public entry: what the server uses to find and replace personal data
// (engines, policies, vaults, the analyzer threads, the output scan and the `redact` CLI).
export {
  createAnalyzerPool,
  inProcessAnalyzers,
  type AnalyzerPool,
  type AnalyzerPoolOptions,
  type AnalyzerSource,
} from './analyzer-pool.ts';
export { runRedactCli, type RedactCliOptions } from './cli.ts';
export { createDefaultRedactionEngine, type DefaultRedactionEngineDeps } from './default-engine.ts';
export { createRedactionEngine, type RedactionEngine, type RedactOutcome, type RedactRequest } from './engine.ts';
export { OPERATOR_NAMES, type OperatorName } from './operators/index.ts';
export { createOutputMaskers, type OutputMasker } from './output-mask.ts';
export { createOutputScanner, type OutputScan } from './output-scan.ts';
export {
  loadRedactionPolicyFromYamlText,
  parseRedactionPolicy,
  RedactionPolicyError,
  withOperator,
  type RedactionPolicy,
} from './policy.ts';
export { ENTITY_TYPES, LANGS, type EntityType, type Lang } from './types.ts';
export { InMemoryVaultStore, VaultConflict, type VaultStore } from './vault-store.ts';
export { Vault, type VaultSnapshot } from './vault.ts';
