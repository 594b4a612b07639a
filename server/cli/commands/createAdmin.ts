// `npx palisade create-admin`: an admin account from the terminal (the first one, or another).
import { parseArgs } from 'node:util';
import { CLI_ACTOR, type Command, fail } from '../command.ts';
import { readPassword } from '../password.ts';

export const createAdmin: Command = {
  summary: 'Create an admin account. The password is read from stdin (prompted, hidden, on a terminal).',
  args: '--email EMAIL --name "DISPLAY NAME"',
  run: async (argv) => {
    const { values } = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    });
    const password = await readPassword('Password for the new admin: ');
    const [{ CreateStaffUser }, { createStaffUser }, { hashPassword }, { loadConfig }, { AppError }, { withDatabase }] =
      await Promise.all([
        import('../../staff/schemas.ts'),
        import('../../staff/users.ts'),
        import('../../auth/passwords.ts'),
        import('../../config.ts'),
        import('../../errors.ts'),
        import('../database.ts'),
      ]);
    const parsed = CreateStaffUser.safeParse({
      email: values.email,
      displayName: values.name,
      role: 'admin',
      password,
    });
    if (!parsed.success)
      return fail(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
    const passwordHash = await hashPassword(password, loadConfig().auth.bcryptCost);
    try {
      const user = await withDatabase((db) =>
        db.dataSource.transaction((tx) =>
          createStaffUser({
            tx,
            actor: CLI_ACTOR,
            input: { email: parsed.data.email, displayName: parsed.data.displayName, role: 'admin', passwordHash },
          }),
        ),
      );
      process.stdout.write(`created admin ${user.id}\n`);
      return 0;
    } catch (err) {
      if (err instanceof AppError) return fail(err.message);
      throw err;
    }
  },
};
