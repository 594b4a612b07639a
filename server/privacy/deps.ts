// Builds a PrivacyCtx from the app's deps: the key wrapper comes from the master key (a KMS
// wrapper would be chosen here), the clock from deps.now.
import type { EntityManager } from 'typeorm';
import type { AppDeps } from '../deps.ts';
import type { PrivacyActor, PrivacyCtx } from './context.ts';
import { type KeyWrapper, masterKeyWrapper } from './keyWrapper.ts';

const wrappers = new WeakMap<Uint8Array, KeyWrapper>();

export function keyWrapperOf(deps: Pick<AppDeps, 'secrets'>): KeyWrapper {
  let w = wrappers.get(deps.secrets.masterKey);
  if (!w) wrappers.set(deps.secrets.masterKey, (w = masterKeyWrapper(deps.secrets.masterKey)));
  return w;
}

export function privacyCtx(deps: Pick<AppDeps, 'secrets' | 'now'>, tx: EntityManager, actor: PrivacyActor, requestId?: string): PrivacyCtx {
  return { tx, wrapper: keyWrapperOf(deps), actor, requestId, now: deps.now() };
}
