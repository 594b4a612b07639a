// What every privacy store function runs on: the caller's transaction (or, for a single read, the
// data source). The caller holds the transaction and writes the audit events; a store never does.
import type { EntityManager } from 'typeorm';

export type Queryable = Pick<EntityManager, 'query'>;
