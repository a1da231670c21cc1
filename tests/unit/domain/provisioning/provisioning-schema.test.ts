import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProvisioningDocument, PROVISIONING_FIELDS } from '../../../../src/domain/provisioning/parse-provisioning-document';
import { GRANTS } from '../../../fixtures/grant-catalogue';
import { ProvisioningError } from '../../../../src/domain/provisioning/provisioning-error';
import { PROVISIONING_VARIABLES, provisioningDocument } from '../../../fixtures/provisioning-file';

/** docs/provisioning.schema.json (committed for editors and CI) and the TypeScript validator describe the same format. */
const docs = path.join(__dirname, '..', '..', '..', '..', 'docs');
const schema = JSON.parse(readFileSync(path.join(docs, 'provisioning.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const variables = { ACME_BACKEND_SECRET: 'backend-secret-0123456789abcdef', ...PROVISIONING_VARIABLES };

const tsAccepts = (doc: unknown): boolean => {
  try {
    parseProvisioningDocument(doc, variables, GRANTS);
    return true;
  } catch (error) {
    if (error instanceof ProvisioningError) return false;
    throw error;
  }
};

describe('provisioning JSON Schema', () => {
  it.each(Object.entries(PROVISIONING_FIELDS))('lists exactly the fields the validator accepts for a %s', (kind, fields) => {
    const definitions = (schema as { $defs: Record<string, { properties: Record<string, unknown> }> }).$defs;
    expect(Object.keys(definitions[kind]!.properties).sort()).toEqual([...fields].sort());
  });

  it('accepts the example file and the test fixture, which the TypeScript validator accepts too', () => {
    const example = JSON.parse(readFileSync(path.join(docs, 'provisioning.example.json'), 'utf8')) as unknown;
    for (const doc of [example, provisioningDocument(), { tenants: [] }]) {
      expect(validate(doc) ? [] : validate.errors).toEqual([]);
      expect(tsAccepts(doc)).toBe(true);
    }
  });

  const client = { clientId: 'app-1', name: 'App', clientSecret: '${ACME_APP_SECRET}' };
  const api = { identifier: 'https://orders.example', name: 'Orders' };
  const idp = { alias: 'okta', name: 'Okta', issuer: 'https://acme.okta.example', clientId: 'tenant-idp' };
  const invalid: [string, unknown][] = [
    ['an unknown top-level field', { tenants: [], realms: [] }],
    ['an unknown tenant field', { tenants: [{ path: '/a', colour: 'blue' }] }],
    ['a tenant without path', { tenants: [{ name: 'A' }] }],
    ['a malformed tenant path', { tenants: [{ path: 'acme' }] }],
    ['an upper-case path segment', { tenants: [{ path: '/Acme' }] }],
    ['an unknown signing algorithm', { tenants: [{ path: '/a', signingAlgorithm: 'HS256' }] }],
    ['allowSelfSignup as a string', { tenants: [{ path: '/a', allowSelfSignup: 'yes' }] }],
    ['a client without clientId', { tenants: [{ path: '/a', clients: [{ name: 'App' }] }] }],
    ['a too short clientId', { tenants: [{ path: '/a', clients: [{ ...client, clientId: 'ab' }] }] }],
    ['the reserved clientId console', { tenants: [{ path: '/', clients: [{ ...client, clientId: 'console' }] }] }],
    ['the reserved clientId console in another case', { tenants: [{ path: '/a', clients: [{ ...client, clientId: 'CONSOLE' }] }] }],
    [
      'a reserved account.* clientId',
      { tenants: [{ path: '/a', clients: [{ ...client, clientId: 'account.00000000-0000-4000-8000-000000000000' }] }] },
    ],
    ['a reserved account.* clientId in another case', { tenants: [{ path: '/a', clients: [{ ...client, clientId: 'Account.web' }] }] }],
    ['an unknown grant type', { tenants: [{ path: '/a', clients: [{ ...client, grantTypes: ['implicit'] }] }] }],
    ['an empty grant type list', { tenants: [{ path: '/a', clients: [{ ...client, grantTypes: [] }] }] }],
    ['a lifetime as a string', { tenants: [{ path: '/a', clients: [{ ...client, accessTokenLifetime: '3600' }] }] }],
    ['a zero lifetime', { tenants: [{ path: '/a', clients: [{ ...client, refreshTokenLifetime: 0 }] }] }],
    ['a short literal secret', { tenants: [{ path: '/a', clients: [{ ...client, clientSecret: 'short' }] }] }],
    ['a malformed scope', { tenants: [{ path: '/a', clients: [{ ...client, allowedScopes: ['a"b'] }] }] }],
    ['a user without username', { tenants: [{ path: '/a', users: [{ password: 'password-123' }] }] }],
    ['a username with a space', { tenants: [{ path: '/a', users: [{ username: 'a b' }] }] }],
    ['an email as a number', { tenants: [{ path: '/a', users: [{ username: 'ada', email: 42 }] }] }],
    ['an API identifier that is not an absolute URI', { tenants: [{ path: '/a', apis: [{ identifier: 'orders', name: 'O' }] }] }],
    ['an API identifier with a fragment', { tenants: [{ path: '/a', apis: [{ identifier: 'https://o.example#x', name: 'O' }] }] }],
    ['an API without name', { tenants: [{ path: '/a', apis: [{ identifier: 'https://o.example' }] }] }],
    ['an unknown API field', { tenants: [{ path: '/a', apis: [{ ...api, scopes: [] }] }] }],
    ['a permission named like a scope of the server', { tenants: [{ path: '/a', apis: [{ ...api, permissions: [{ name: 'openid' }] }] }] }],
    ['a permission name with a space', { tenants: [{ path: '/a', apis: [{ ...api, permissions: [{ name: 'orders read' }] }] }] }],
    ['a role named admin', { tenants: [{ path: '/a', roles: [{ name: 'admin' }] }] }],
    [
      'a role permission without permission',
      { tenants: [{ path: '/a', roles: [{ name: 'r', permissions: [{ api: 'https://o.example' }] }] }] },
    ],
    ['the admin role on a client', { tenants: [{ path: '/a', clients: [{ ...client, roles: ['admin'] }] }] }],
    ['a role listed twice on a user', { tenants: [{ path: '/a', users: [{ username: 'ada', roles: ['r', 'r'] }] }] }],
    [
      'an identity provider without clientId',
      { tenants: [{ path: '/a', identityProviders: [{ alias: 'okta', name: 'Okta', issuer: 'https://okta.example' }] }] },
    ],
    ['an identity provider alias in upper case', { tenants: [{ path: '/a', identityProviders: [{ ...idp, alias: 'Okta' }] }] }],
    ['an unknown identity provider kind', { tenants: [{ path: '/a', identityProviders: [{ ...idp, kind: 'SAML' }] }] }],
    [
      'a claim mapping to an unknown profile field',
      { tenants: [{ path: '/a', identityProviders: [{ ...idp, claimMapping: { age: 'age' } }] }] },
    ],
    ['an unknown identity provider field', { tenants: [{ path: '/a', identityProviders: [{ ...idp, logo: 'x' }] }] }],
  ];

  it('both accept an identity provider with its secret as a reference, mapping and email domains', () => {
    const doc = {
      tenants: [
        {
          path: '/a',
          identityProviders: [
            {
              ...idp,
              clientSecret: '${ACME_APP_SECRET}',
              claimMapping: { username: 'email' },
              emailDomains: ['acme.example'],
              exclusive: true,
            },
          ],
        },
      ],
    };
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(tsAccepts(doc)).toBe(true);
  });

  it.each(['consoles', 'my-console', 'accounts', 'account-web', 'accountant'])(
    'both accept the clientId %s, which only looks like a reserved one',
    (clientId) => {
      const doc = { tenants: [{ path: '/a', clients: [{ ...client, clientId }] }] };
      expect(validate(doc) ? [] : validate.errors).toEqual([]);
      expect(tsAccepts(doc)).toBe(true);
    },
  );

  it('both accept a token exchange client with its allowance', () => {
    const exchanger = {
      ...client,
      grantTypes: ['urn:ietf:params:oauth:grant-type:token-exchange'],
      tokenExchange: { impersonation: true, delegation: true, subtree: false },
    };
    const doc = { tenants: [{ path: '/a', clients: [exchanger] }] };
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(tsAccepts(doc)).toBe(true);
  });

  it('both reject an unknown token exchange flag and a non-boolean one', () => {
    const grantTypes = ['urn:ietf:params:oauth:grant-type:token-exchange'];
    for (const tokenExchange of [{ impersonation: true, actAs: true }, { impersonation: 'yes' }]) {
      const doc = { tenants: [{ path: '/a', clients: [{ ...client, grantTypes, tokenExchange }] }] };
      expect(validate(doc)).toBe(false);
      expect(tsAccepts(doc)).toBe(false);
    }
  });

  it('both accept the built-in role admin on a user', () => {
    const doc = { tenants: [{ path: '/a', users: [{ username: 'ada', roles: ['admin', 'clerk'] }] }] };
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(tsAccepts(doc)).toBe(true);
  });

  it.each(invalid)('both reject %s', (_, doc) => {
    expect(validate(doc)).toBe(false);
    expect(tsAccepts(doc)).toBe(false);
  });
});
