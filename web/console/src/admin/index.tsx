// The admin's workspace: staff accounts, API keys, canned responses, the knowledge base, the policy
// files in force, model targets and the system's state. Loaded only for a user who may run the system.
import { can } from '../session.ts';
import { type Screen, ScreensWorkspace } from '../workspace.tsx';
import { Lazy } from '../ui.tsx';
import { ApiKeysScreen } from './apiKeys.tsx';
import { CannedScreen } from './canned.tsx';
import { ModelsScreen } from './models.tsx';
import { PoliciesScreen } from './policies.tsx';
import { SystemScreen } from './system.tsx';
import { UsersScreen } from './users.tsx';

const loadKnowledge = () => import('./knowledge/index.tsx');
const Knowledge = () => <Lazy load={loadKnowledge} />;

const SCREENS: Screen[] = [
  { path: '/users', label: 'admin.users', allowed: () => can('read:StaffUser'), View: UsersScreen },
  { path: '/knowledge', label: 'admin.knowledge', allowed: () => can('update:KnowledgeArticle'), View: Knowledge },
  { path: '/canned', label: 'admin.canned', allowed: () => can('update:CannedResponse'), View: CannedScreen },
  { path: '/keys', label: 'admin.keys', allowed: () => can('read:ApiKey'), View: ApiKeysScreen },
  { path: '/policies', label: 'admin.policies', allowed: () => can('read:Policy'), View: PoliciesScreen },
  { path: '/models', label: 'admin.models', allowed: () => can('read:ModelTarget'), View: ModelsScreen },
  { path: '/system', label: 'admin.system', allowed: () => can('read:System'), View: SystemScreen },
];

export default function Admin() {
  return <ScreensWorkspace base="/admin" navLabel="admin.nav" screens={SCREENS} />;
}
