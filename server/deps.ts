import type { ChatService } from './chat/service.ts';
import type { AnalyzerSource } from '../gateway/redaction/index.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import type { ModelService } from './models/service.ts';
import type { Secrets } from './secrets.ts';

/** Everything the app needs, built once in main.ts (or by a test) and passed down explicitly. */
export interface AppDeps {
  config: Config;
  secrets: Secrets;
  db: Database;
  logger: Logger;
  /** this node's name (PALISADE_NODE_ID, or generated into the data directory): in audit checkpoints and model-call records */
  nodeId: string;
  now: () => Date;
  /** personal-data analyzers (threads, see PALISADE_REDACTION_THREADS); absent: on this thread */
  analyzers?: AnalyzerSource;
  /** the model gateway; absent in tools that do not start it */
  models?: ModelService;
  /** the visitor chat; absent in tools that do not start it */
  chat?: ChatService;
}
