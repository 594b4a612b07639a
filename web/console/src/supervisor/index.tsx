// The supervisor's workspace: the team now (queue, agents, chats) and how a chosen period went.
// Counts, codes and durations only: a supervisor reads no conversation.
import { t } from '../i18n.ts';
import { LiveSection } from './live.tsx';
import { PeriodSection } from './period.tsx';
import './supervisor.css';

export default function Supervisor() {
  return (
    <div class="workspace supervisor">
      <h1>{t('sup.title')}</h1>
      <LiveSection />
      <PeriodSection />
    </div>
  );
}
