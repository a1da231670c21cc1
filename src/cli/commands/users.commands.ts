import { readFileSync } from 'node:fs';
import type { AdminSdk, UserFieldsFragment } from '../../sdk/client';
import { CliError, EXIT, usageError } from '../cli-error';
import { sameUsername } from '../../domain/users/username-key';
import { allPages, table, type Command } from '../command';

const HEADER = ['USERNAME', 'TENANT', 'EMAIL', 'NAME', 'ENABLED'];
const row = (u: UserFieldsFragment) => [
  u.username,
  u.tenantPath,
  u.email ?? '',
  [u.firstname, u.lastname].filter(Boolean).join(' '),
  u.enabled ? 'yes' : 'no',
];
const listUsers = (sdk: AdminSdk, tenantPath: string | undefined) =>
  allPages(async (after) => (await sdk.users({ tenantPath, first: 100, after })).users);

export const usersList: Command = {
  words: 'users list',
  summary: 'List the users of a tenant',
  positionals: 0,
  options: { tenant: { type: 'string' } },
  help: [['--tenant PATH', 'tenant (default: the tenant of the CLI client)']],
  async run({ values, connect }) {
    const users = await listUsers((await connect()).sdk, values.tenant as string | undefined);
    return { json: users, text: table(HEADER, users.map(row)) };
  },
};

export const usersCreate: Command = {
  words: 'users create',
  summary: 'Create a user in a tenant',
  args: 'USERNAME',
  positionals: 1,
  options: {
    tenant: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    email: { type: 'string' },
    phone: { type: 'string' },
    firstname: { type: 'string' },
    lastname: { type: 'string' },
  },
  help: [
    ['USERNAME', 'unique within the tenant'],
    ['--tenant PATH', 'tenant of the new user (required)'],
    ['--password-stdin', 'read the password from standard input (preferred: not visible in ps)'],
    ['--password PASSWORD', 'the password (8-1024 characters)'],
    ['--email, --phone, --firstname, --lastname', 'profile fields'],
  ],
  async run({ values, positionals, connect }) {
    const [username] = positionals;
    if (!username) throw usageError('users create needs a USERNAME');
    if (typeof values.tenant !== 'string') throw usageError('--tenant is required');
    const password = values['password-stdin'] ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : values.password;
    if (typeof password !== 'string') throw usageError('give the password with --password-stdin or --password');
    const input = {
      tenantPath: values.tenant,
      username,
      password,
      email: values.email as string | undefined,
      phone: values.phone as string | undefined,
      firstname: values.firstname as string | undefined,
      lastname: values.lastname as string | undefined,
    };
    const { createUser } = await (await connect()).sdk.createUser({ input });
    return { json: createUser, text: `created user ${createUser.username} in ${createUser.tenantPath} (id ${createUser.id})` };
  },
};

export const usersDelete: Command = {
  words: 'users delete',
  summary: 'Delete a user, found by username (regardless of case) within a tenant',
  args: 'USERNAME',
  positionals: 1,
  options: { tenant: { type: 'string' } },
  help: [
    ['USERNAME', 'user to delete'],
    ['--tenant PATH', 'tenant of the user (required)'],
  ],
  async run({ values, positionals, connect }) {
    const [username] = positionals;
    if (!username) throw usageError('users delete needs a USERNAME');
    if (typeof values.tenant !== 'string') throw usageError('--tenant is required');
    const { sdk } = await connect();
    const user = (await listUsers(sdk, values.tenant)).find((u) => sameUsername(u.username, username));
    if (!user) throw new CliError(EXIT.api, `user ${username} not found in ${values.tenant}`, 'NOT_FOUND');
    const { deleteUser } = await sdk.deleteUser({ id: user.id });
    return { json: deleteUser, text: `deleted user ${deleteUser.username} from ${deleteUser.tenantPath}` };
  },
};
