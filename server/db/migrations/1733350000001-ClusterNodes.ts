import type { MigrationInterface, QueryRunner } from 'typeorm';

// The nodes that joined the install (server/cluster/presence.ts). A row says a node ran; whether it
// still runs is told by its advisory lock, never by this table. A surviving node that takes over a
// dead node's work removes its row.
export class ClusterNodes1733350000001 implements MigrationInterface {
  name = 'ClusterNodes1733350000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cluster_nodes (node_id text PRIMARY KEY, joined_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cluster_nodes`);
  }
}
