// What watches the gateway beside the audit sink and the log: the metrics and the admin's last hour.
import type { ModelRequestAudit } from '../../gateway/index.ts';

/** Told what the gateway reports, beside the audit sink and the log (the metrics watch here). */
export interface ModelObserver {
  modelRequest(e: ModelRequestAudit): void;
  attemptStarted(e: ModelRequestAudit): void;
  log(event: string, fields: Record<string, string | number | boolean | null>): void;
}
