// The compliance officer's workspace: overview, audit log, data-subject requests, legal holds,
// retention and where data went. Loaded only for a user whose capabilities include one of them.
import { useEffect, useRef } from 'preact/hooks';
import { t, type Key } from '../i18n.ts';
import { Link, path } from '../router.tsx';
import { can } from '../session.ts';
import { AuditScreen } from './audit.tsx';
import { EgressScreen } from './egress.tsx';
import { HoldsScreen } from './holds.tsx';
import { Overview } from './overview.tsx';
import { RequestsScreen } from './requests.tsx';
import { RetentionScreen } from './retention.tsx';

interface Screen {
  path: string;
  label: Key;
  allowed: () => boolean;
  View: () => preact.JSX.Element;
}
const SCREENS: Screen[] = [
  { path: '', label: 'compliance.overview', allowed: () => true, View: Overview },
  { path: '/audit', label: 'compliance.audit', allowed: () => can('read:AuditLog'), View: AuditScreen },
  { path: '/requests', label: 'compliance.requests', allowed: () => can('read:SubjectRequest'), View: RequestsScreen },
  { path: '/holds', label: 'compliance.holds', allowed: () => can('read:LegalHold'), View: HoldsScreen },
  { path: '/retention', label: 'compliance.retention', allowed: () => can('read:RetentionRun'), View: RetentionScreen },
  { path: '/egress', label: 'compliance.egress', allowed: () => can('read:AuditLog'), View: EgressScreen },
];

export default function Compliance() {
  const screens = SCREENS.filter((s) => s.allowed());
  const sub = path.value.slice('/compliance'.length);
  const screen = screens.find((s) => s.path === sub) ?? screens[0]!;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [screen.path]);
  return (
    <div class="workspace">
      <nav class="subnav" aria-label={t('compliance.nav')}>
        <ul>
          {screens.map((s) => (
            <li key={s.path}>
              <Link to={`/compliance${s.path}`} current={s === screen}>
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
