// The compliance officer's workspace: overview, audit log, data-subject requests, legal holds,
// retention and where data went. Loaded only for a user whose capabilities include one of them.
import { can } from '../session.ts';
import { type Screen, ScreensWorkspace } from '../workspace.tsx';
import { AuditScreen } from './audit.tsx';
import { EgressScreen } from './egress.tsx';
import { HoldsScreen } from './holds.tsx';
import { Overview } from './overview.tsx';
import { RequestsScreen } from './requests.tsx';
import { RetentionScreen } from './retention.tsx';

const SCREENS: Screen[] = [
  { path: '', label: 'compliance.overview', allowed: () => true, View: Overview },
  { path: '/audit', label: 'compliance.audit', allowed: () => can('read:AuditLog'), View: AuditScreen },
  { path: '/requests', label: 'compliance.requests', allowed: () => can('read:SubjectRequest'), View: RequestsScreen },
  { path: '/holds', label: 'compliance.holds', allowed: () => can('read:LegalHold'), View: HoldsScreen },
  { path: '/retention', label: 'compliance.retention', allowed: () => can('read:RetentionRun'), View: RetentionScreen },
  { path: '/egress', label: 'compliance.egress', allowed: () => can('read:AuditLog'), View: EgressScreen },
];

export default function Compliance() {
  return <ScreensWorkspace base="/compliance" navLabel="compliance.nav" screens={SCREENS} />;
}
