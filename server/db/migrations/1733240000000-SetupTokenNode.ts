import type { MigrationInterface, QueryRunner } from 'typeorm';

// The node that issued a setup token: a node starting while another node's token is unused and
// unexpired issues none (the cluster has one link), and a node voids only what it issued itself.
export class SetupTokenNode1733240000000 implements MigrationInterface {
  name = 'SetupTokenNode1733240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE setup_tokens ADD COLUMN node_id varchar(64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE setup_tokens DROP COLUMN node_id`);
  }
}
