// Every migration, in order. Explicit: a file that is not listed here does not run.
import { Foundation1732300000000 } from './1732300000000-Foundation.ts';
import { PrivacyLifecycle1732400000000 } from './1732400000000-PrivacyLifecycle.ts';
import { KnowledgeBase1732500000000 } from './1732500000000-KnowledgeBase.ts';
import { ModelGateway1732600000000 } from './1732600000000-ModelGateway.ts';
import { AuditRetention1732700000000 } from './1732700000000-AuditRetention.ts';
import { VisitorChat1732800000000 } from './1732800000000-VisitorChat.ts';
import { AuditSealFunctions1732900000000 } from './1732900000000-AuditSealFunctions.ts';
import { SharedBudgets1733000000000 } from './1733000000000-SharedBudgets.ts';
import { KnowledgeLanguages1733050000000 } from './1733050000000-KnowledgeLanguages.ts';
import { ModelCallRecords1733150000000 } from './1733150000000-ModelCallRecords.ts';
import { RateLimits1733160000000 } from './1733160000000-RateLimits.ts';
import { AuditSealLock1733170000000 } from './1733170000000-AuditSealLock.ts';
import { StaffMfaSso1733220000000 } from './1733220000000-StaffMfaSso.ts';
import { SetupTokenNode1733240000000 } from './1733240000000-SetupTokenNode.ts';
import { ApiKeyLastUsed1733270000000 } from './1733270000000-ApiKeyLastUsed.ts';
import { CannedResponses1733270100000 } from './1733270100000-CannedResponses.ts';
import { PasswordLinks1733270200000 } from './1733270200000-PasswordLinks.ts';
import { AuditSearchIndexes1733270300000 } from './1733270300000-AuditSearchIndexes.ts';
import { SupervisorRole1733330000000 } from './1733330000000-SupervisorRole.ts';
import { AgentWorkload1733340000001 } from './1733340000001-AgentWorkload.ts';
import { ClusterNodes1733350000001 } from './1733350000001-ClusterNodes.ts';
import { KnowledgeVectors1733380000000 } from './1733380000000-KnowledgeVectors.ts';
import { KnowledgeInlineTsv1733381700000 } from './1733381700000-KnowledgeInlineTsv.ts';
import { KnowledgeMixedScript1733400000000 } from './1733400000000-KnowledgeMixedScript.ts';

export const migrations = [
  Foundation1732300000000,
  PrivacyLifecycle1732400000000,
  KnowledgeBase1732500000000,
  ModelGateway1732600000000,
  AuditRetention1732700000000,
  VisitorChat1732800000000,
  AuditSealFunctions1732900000000,
  SharedBudgets1733000000000,
  KnowledgeLanguages1733050000000,
  ModelCallRecords1733150000000,
  RateLimits1733160000000,
  AuditSealLock1733170000000,
  StaffMfaSso1733220000000,
  SetupTokenNode1733240000000,
  ApiKeyLastUsed1733270000000,
  CannedResponses1733270100000,
  PasswordLinks1733270200000,
  AuditSearchIndexes1733270300000,
  SupervisorRole1733330000000,
  AgentWorkload1733340000001,
  ClusterNodes1733350000001,
  KnowledgeVectors1733380000000,
  KnowledgeInlineTsv1733381700000,
  KnowledgeMixedScript1733400000000,
];
