// What every privacy command receives: the transaction it runs in (audit events go in the same
// one), the key wrapper and the subject key store, who acts, and the time (injectable, so tests
// move the clock).
import type { EntityManager } from 'typeorm';
import type { KeyWrapper } from './keyWrapper.ts';
import type { SubjectKeyStore } from './keyStore.ts';

export interface PrivacyActor {
  type: 'staff' | 'system' | 'visitor';
  id: string;
}

export interface PrivacyCtx {
  tx: EntityManager;
  wrapper: KeyWrapper;
  keyStore: SubjectKeyStore;
  actor: PrivacyActor;
  requestId?: string;
  now: Date;
}
