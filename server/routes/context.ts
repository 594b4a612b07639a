import type { Router, RouterContext } from '@koa/router';
import type { EntityManager } from 'typeorm';
import type { Role } from '../db/entities.ts';

/** Who is calling, once staffAuth has checked the token against a live session. */
export interface StaffPrincipal {
  userId: string;
  sessionId: string;
  role: Role;
  via: 'cookie' | 'bearer';
}

export interface AppState {
  requestId: string;
  body?: unknown;
  input?: unknown;
  query?: unknown;
  tx?: EntityManager;
  staff?: StaffPrincipal;
  /**
   * A response a route goes on writing after its handler returned (a streamed answer): settles at
   * its end, rejected by an unexpected failure. The request's log line waits for it.
   */
  streamed?: Promise<void>;
}

export type AppContext = RouterContext<AppState>;
export type AppRouter = Router<AppState>;
