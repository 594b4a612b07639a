// Builds a PrivacyCtx from the infrastructure: the key wrapper and the subject key store are the
// master key and <data dir>/keystore (KEY_STORE=file), or a PKCS#11 token's key and objects
// (KEY_STORE=pkcs11, ./pkcs11/); the clock from infra.now.
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import type { Config } from '../config.ts';
import type { Secrets } from '../secrets.ts';
import type { PrivacyActor, PrivacyCtx } from './context.ts';
import { type KeyWrapper, masterKeyWrapper } from './keyWrapper.ts';
import { cachedKeyStore, fileKeyStore, type SubjectKeyStore } from './keyStore.ts';
import { pkcs11Keys } from './pkcs11/index.ts';

/** How long a subject's secret stays in memory after it was read from the key store. */
const KEY_STORE_CACHE = { ttlMs: 5 * 60_000, maxEntries: 20_000 };

const wrappers = new WeakMap<Uint8Array, KeyWrapper>();
const keyStores = new Map<string, SubjectKeyStore>();

/** What these read of the infrastructure (server/infra.ts, which calls keyWrapperOf at start). */
type Infra = { config: Config; secrets: Secrets; now: () => Date };

export function keyWrapperOf(deps: Pick<Infra, 'secrets' | 'config'>): KeyWrapper {
  if (deps.config.keys.kind === 'pkcs11') return pkcs11Keys(deps.config.keys).wrapper;
  let w = wrappers.get(deps.secrets.masterKey);
  if (!w) wrappers.set(deps.secrets.masterKey, (w = masterKeyWrapper(deps.secrets.masterKey)));
  return w;
}

export const keyStoreDir = (deps: Pick<Infra, 'config'>): string => path.join(deps.config.dataDir, 'keystore');

export function keyStoreOf(deps: Pick<Infra, 'config'>): SubjectKeyStore {
  const { keys } = deps.config;
  const dir = keys.kind === 'pkcs11' ? `pkcs11:${keys.module}|${keys.tokenLabel}` : keyStoreDir(deps);
  let store = keyStores.get(dir);
  if (!store)
    keyStores.set(
      dir,
      (store = cachedKeyStore(keys.kind === 'pkcs11' ? pkcs11Keys(keys).store : fileKeyStore(dir), KEY_STORE_CACHE)),
    );
  return store;
}

export function privacyCtx(
  deps: Pick<Infra, 'config' | 'secrets' | 'now'>,
  tx: EntityManager,
  actor: PrivacyActor,
  requestId?: string,
): PrivacyCtx {
  return { tx, wrapper: keyWrapperOf(deps), keyStore: keyStoreOf(deps), actor, requestId, now: deps.now() };
}
