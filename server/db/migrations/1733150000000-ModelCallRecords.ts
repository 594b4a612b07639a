import type { MigrationInterface, QueryRunner } from 'typeorm';

// A model call is on the record before it is made (a `model.request` event with outcome `started`)
// and again at its end, both carrying the call's id and node (server/models/callRecords.ts). At a
// node's start, its calls that have a start and no end are recorded as interrupted: these indexes
// find them without reading every model.request event.
export class ModelCallRecords1733150000000 implements MigrationInterface {
  name = 'ModelCallRecords1733150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_events_model_started_idx ON audit_events ((details->>'node'), seq)
      WHERE action = 'model.request' AND details->>'outcome' = 'started'`);
    await q.query(`CREATE INDEX audit_events_model_call_idx ON audit_events ((details->>'call'))
      WHERE action = 'model.request' AND details ? 'call'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_model_call_idx`);
    await q.query(`DROP INDEX audit_events_model_started_idx`);
  }
}
