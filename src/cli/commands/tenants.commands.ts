import type { SigningAlgorithm, TenantFieldsFragment } from '../../sdk/client';
import { usageError } from '../cli-error';
import { allPages, table, type Command } from '../command';

const row = (t: TenantFieldsFragment) => [t.path, t.name, t.signingAlgorithm, t.allowSelfSignup ? 'yes' : 'no'];
const HEADER = ['PATH', 'NAME', 'ALGORITHM', 'SELF-SIGNUP'];

export const tenantsList: Command = {
  words: 'tenants list',
  summary: 'List the tenants the CLI client manages (its tenant and subtree)',
  positionals: 0,
  options: {},
  help: [],
  async run({ connect }) {
    const { sdk } = await connect();
    const tenants = await allPages(async (after) => (await sdk.tenants({ first: 100, after })).tenants);
    return { json: tenants, text: table(HEADER, tenants.map(row)) };
  },
};

export const tenantsCreate: Command = {
  words: 'tenants create',
  summary: 'Create a tenant under an existing parent',
  args: 'PATH',
  positionals: 1,
  options: { name: { type: 'string' }, 'signing-algorithm': { type: 'string' }, 'allow-self-signup': { type: 'boolean' } },
  help: [
    ['PATH', 'full path, e.g. /acme or /acme/eu'],
    ['--name NAME', 'display name (default: last path segment)'],
    ['--signing-algorithm ALG', 'RS256 (default), ES256 or EdDSA'],
    ['--allow-self-signup', 'let users register themselves in this tenant'],
  ],
  async run({ values, positionals, connect }) {
    const [path] = positionals;
    if (!path) throw usageError('tenants create needs a PATH');
    const { sdk } = await connect();
    const input = {
      path,
      name: values.name as string | undefined,
      signingAlgorithm: values['signing-algorithm'] as SigningAlgorithm | undefined,
      allowSelfSignup: values['allow-self-signup'] as boolean | undefined,
    };
    const { createTenant } = await sdk.createTenant({ input });
    return { json: createTenant, text: `created tenant ${createTenant.path}` };
  },
};

export const tenantsDelete: Command = {
  words: 'tenants delete',
  summary: 'Delete a tenant with its subtree, clients, users and keys',
  args: 'PATH',
  positionals: 1,
  options: {},
  help: [['PATH', 'tenant to delete']],
  async run({ positionals, connect }) {
    const [path] = positionals;
    if (!path) throw usageError('tenants delete needs a PATH');
    const { deleteTenant } = await (await connect()).sdk.deleteTenant({ path });
    return { json: deleteTenant, text: `deleted tenant ${deleteTenant.path}` };
  },
};
