// The admin's workspace: staff accounts, API keys, canned responses, the knowledge base, the policy
// files in force, model targets and the system's state. Loaded only for a user who may run the system.
import { useEffect, useRef } from 'preact/hooks';
import { t, type Key } from '../i18n.ts';
import { Link, path } from '../router.tsx';
import { can } from '../session.ts';
import { Lazy } from '../ui.tsx';
import { ApiKeysScreen } from './apiKeys.tsx';
import { CannedScreen } from './canned.tsx';
import { ModelsScreen } from './models.tsx';
import { PoliciesScreen } from './policies.tsx';
import { SystemScreen } from './system.tsx';
import { UsersScreen } from './users.tsx';

const loadKnowledge = () => import('./knowledge/index.tsx');
const Knowledge = () => <Lazy load={loadKnowledge} />;

interface Screen {
  path: string;
  label: Key;
  allowed: () => boolean;
  View: () => preact.JSX.Element;
}
const SCREENS: Screen[] = [
  { path: '/users', label: 'admin.users', allowed: () => can('read:StaffUser'), View: UsersScreen },
  { path: '/knowledge', label: 'admin.knowledge', allowed: () => can('update:KnowledgeArticle'), View: Knowledge },
  { path: '/canned', label: 'admin.canned', allowed: () => can('update:CannedResponse'), View: CannedScreen },
  { path: '/keys', label: 'admin.keys', allowed: () => can('read:ApiKey'), View: ApiKeysScreen },
  { path: '/policies', label: 'admin.policies', allowed: () => can('read:Policy'), View: PoliciesScreen },
  { path: '/models', label: 'admin.models', allowed: () => can('read:ModelTarget'), View: ModelsScreen },
  { path: '/system', label: 'admin.system', allowed: () => can('read:System'), View: SystemScreen },
];

/** Whether the signed-in user sees the admin workspace at all. */
export const adminAllowed = () => can('read:StaffUser') || can('update:KnowledgeArticle') || can('read:ApiKey');

export default function Admin() {
  const screens = SCREENS.filter((s) => s.allowed());
  const sub = path.value.slice('/admin'.length);
  // a screen owns its own sub-paths (/admin/knowledge/<id>)
  const screen = screens.find((s) => sub === s.path || sub.startsWith(s.path + '/')) ?? screens[0]!;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [screen.path]);
  return (
    <div class="workspace">
      <nav class="subnav" aria-label={t('admin.nav')}>
        <ul>
          {screens.map((s) => (
            <li key={s.path}>
              <Link to={`/admin${s.path}`} current={s === screen}>
                {t(s.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section class="screen" aria-labelledby="screen-title">
        <h1 id="screen-title" tabIndex={-1} ref={heading}>
          {t(screen.label)}
        </h1>
        <screen.View />
      </section>
    </div>
  );
}
