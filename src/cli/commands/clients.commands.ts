import type { ClientFieldsFragment } from '../../sdk/client';
import { usageError } from '../cli-error';
import { allPages, integer, list, required, table, type Command } from '../command';

const HEADER = ['CLIENT ID', 'TENANT', 'NAME', 'TYPE', 'GRANT TYPES', 'ENABLED'];
const row = (c: ClientFieldsFragment) => [
  c.clientId,
  c.tenantPath,
  c.name,
  c.isPublic ? 'public' : 'confidential',
  c.grantTypes.join(','),
  c.enabled ? 'yes' : 'no',
];

export const clientsList: Command = {
  words: 'clients list',
  summary: 'List the clients of a tenant',
  positionals: 0,
  options: { tenant: { type: 'string' } },
  help: [['--tenant PATH', 'tenant (default: the tenant of the CLI client)']],
  async run({ values, connect }) {
    const { sdk } = await connect();
    const tenantPath = values.tenant as string | undefined;
    const clients = await allPages(async (after) => (await sdk.clients({ tenantPath, first: 100, after })).clients);
    return { json: clients, text: table(HEADER, clients.map(row)) };
  },
};

export const clientsCreate: Command = {
  words: 'clients create',
  summary: 'Register a client; a confidential client’s secret is printed once',
  positionals: 0,
  options: {
    tenant: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    public: { type: 'boolean' },
    secret: { type: 'string' },
    'grant-types': { type: 'string' },
    'redirect-uris': { type: 'string' },
    scopes: { type: 'string' },
    'first-party': { type: 'boolean' },
    'access-token-lifetime': { type: 'string' },
    'refresh-token-lifetime': { type: 'string' },
  },
  help: [
    ['--tenant PATH', 'tenant of the new client (required)'],
    ['--id CLIENT_ID', 'client_id of the new client (default: generated)'],
    ['--name NAME', 'display name (default: the --id)'],
    ['--public', 'public client (no secret; PKCE S256)'],
    ['--secret SECRET', 'use this secret (20+ characters) instead of a generated one'],
    ['--grant-types a,b', 'authorization_code, refresh_token, client_credentials, password'],
    ['--redirect-uris a,b', 'exact redirect URIs'],
    ['--scopes a,b', 'allowed scopes'],
    ['--first-party', 'skip the consent page'],
    ['--access-token-lifetime SECONDS', 'maximum access token lifetime'],
    ['--refresh-token-lifetime SECONDS', 'refresh token lifetime'],
  ],
  async run({ values, connect }) {
    const clientId = values.id as string | undefined;
    const name = (values.name as string | undefined) ?? clientId;
    if (!name) throw usageError('clients create needs --name (or --id)');
    const input = {
      tenantPath: required(values, 'tenant'),
      clientId,
      name,
      isPublic: values.public as boolean | undefined,
      clientSecret: values.secret as string | undefined,
      grantTypes: list(values['grant-types']),
      redirectUris: list(values['redirect-uris']),
      allowedScopes: list(values.scopes),
      firstParty: values['first-party'] as boolean | undefined,
      accessTokenLifetime: integer(values, 'access-token-lifetime'),
      refreshTokenLifetime: integer(values, 'refresh-token-lifetime'),
    };
    const { createClient } = await (await connect()).sdk.createClient({ input });
    const secretLine = createClient.clientSecret ? `\nclient_secret: ${createClient.clientSecret}\n(shown once: store it now)` : '';
    return { json: createClient, text: `created client ${createClient.client.clientId} in ${createClient.client.tenantPath}${secretLine}` };
  },
};

export const clientsDelete: Command = {
  words: 'clients delete',
  summary: 'Delete a client',
  args: 'CLIENT_ID',
  positionals: 1,
  options: {},
  help: [['CLIENT_ID', 'client to delete']],
  async run({ positionals, connect }) {
    const [clientId] = positionals;
    if (!clientId) throw usageError('clients delete needs a CLIENT_ID');
    const { deleteClient } = await (await connect()).sdk.deleteClient({ clientId });
    return { json: deleteClient, text: `deleted client ${deleteClient.clientId}` };
  },
};
