import {
  parseProvisioningDocument as parseDocument,
  parseProvisioningText as parseText,
} from '../../../../src/domain/provisioning/parse-provisioning-document';
import type { ProvisioningVariables } from '../../../../src/domain/provisioning/document-reader';
import { GRANTS } from '../../../fixtures/grant-catalogue';

const parseProvisioningDocument = (raw: unknown, variables: ProvisioningVariables) => parseDocument(raw, variables, GRANTS);
const parseProvisioningText = (text: string, variables: ProvisioningVariables) => parseText(text, variables, GRANTS);
import { ProvisioningError } from '../../../../src/domain/provisioning/provisioning-error';

const problems = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ProvisioningError) return error.problems;
    throw error;
  }
  throw new Error('expected a ProvisioningError');
};

describe('parseProvisioningDocument', () => {
  it('expands ${NAME} anywhere in a string and fills every default', () => {
    const plan = parseProvisioningDocument(
      {
        tenants: [
          {
            path: '/${TENANT}/',
            clients: [{ clientId: 'app-${ENV}', name: 'App', clientSecret: 'prefix-${SECRET}' }],
            users: [{ username: 'ada' }],
          },
        ],
      },
      { TENANT: 'acme', ENV: 'prod', SECRET: 'x'.repeat(20) },
    );
    expect(plan.tenants[0]).toMatchObject({ path: '/acme', name: 'acme', signingAlgorithm: 'RS256', allowSelfSignup: false });
    expect(plan.tenants[0]!.clients[0]).toMatchObject({
      clientId: 'app-prod',
      clientSecret: `prefix-${'x'.repeat(20)}`,
      isPublic: false,
      enabled: true,
      settings: {
        grantTypes: ['client_credentials'],
        redirectUris: [],
        allowedScopes: [],
        firstParty: false,
        accessTokenLifetime: 3600,
        refreshTokenLifetime: 2592000,
        responseStyle: 'standard',
      },
    });
    expect(plan.tenants[0]!.users[0]).toEqual({
      at: 'tenants[0].users[0]',
      username: 'ada',
      password: null,
      enabled: true,
      profile: { email: null, phone: null, firstname: null, lastname: null },
      roles: null,
    });
  });

  it('fills in the defaults of APIs and roles, and keeps the role lists of users and clients', () => {
    const plan = parseProvisioningDocument(
      {
        tenants: [
          {
            path: '/a',
            apis: [{ identifier: 'https://a.example/api', name: ' A ', permissions: [{ name: 'a:read' }] }],
            roles: [{ name: 'reader', permissions: [{ api: 'https://a.example/api', permission: 'a:read' }] }],
            clients: [{ clientId: 'app-a', name: 'App', clientSecret: 'app-a-secret-0123456789', roles: ['reader'] }],
            users: [{ username: 'ada', roles: ['admin', 'reader'] }],
          },
        ],
      },
      {},
    );
    const [tenant] = plan.tenants;
    expect(tenant!.apis).toEqual([
      {
        at: 'tenants[0].apis[0]',
        identifier: 'https://a.example/api',
        name: 'A',
        permissions: [{ name: 'a:read', description: '' }],
        accessTokenLifetime: 3600,
        acceptsChildTenants: false,
        isDefault: false,
      },
    ]);
    expect(tenant!.roles).toEqual([
      { at: 'tenants[0].roles[0]', name: 'reader', description: '', permissions: [{ api: 'https://a.example/api', permission: 'a:read' }] },
    ]);
    expect(tenant!.clients[0]!.roles).toEqual(['reader']);
    expect(tenant!.users[0]!.roles).toEqual(['admin', 'reader']);
  });

  it('lists every problem at once, each with its JSON path', () => {
    expect(
      problems(() =>
        parseProvisioningDocument(
          {
            tenants: [
              {
                path: '/a',
                clients: [{ clientId: 'pub', name: 'P', isPublic: true, clientSecret: '${S}', grantTypes: ['client_credentials'] }],
              },
              { path: '/b', users: [{ username: 'bo', password: 'short', email: 'not-an-email' }] },
              'nonsense',
            ],
          },
          { S: 'a-long-enough-secret-value' },
        ),
      ),
    ).toEqual([
      'tenants[0].clients[0].clientSecret: public clients have no secret',
      'tenants[1].users[0].password: must be 8-1024 characters',
      'tenants[1].users[0].email: is not valid',
      'tenants[2]: must be an object',
    ]);
  });

  it("takes a tenant's open registration, PAR requirement and security profile (default off, off, NONE)", () => {
    const plan = parseProvisioningDocument(
      {
        tenants: [
          { path: '/plain' },
          {
            path: '/bank',
            signingAlgorithm: 'ES256',
            allowOpenClientRegistration: true,
            requirePushedAuthorizationRequests: true,
            securityProfile: 'FAPI2',
            clients: [
              {
                clientId: 'teller',
                name: 'Teller',
                securityProfile: 'FAPI2',
                tokenEndpointAuthMethod: 'private_key_jwt',
                jwksUri: 'https://teller.example/jwks.json',
              },
            ],
          },
        ],
      },
      {},
    );
    expect(plan.tenants[0]).toMatchObject({
      allowOpenClientRegistration: false,
      requirePushedAuthorizationRequests: false,
      securityProfile: 'NONE',
    });
    expect(plan.tenants[1]).toMatchObject({
      allowOpenClientRegistration: true,
      requirePushedAuthorizationRequests: true,
      securityProfile: 'FAPI2',
    });
    expect(plan.tenants[1]!.clients[0]!.settings.securityProfile).toBe('FAPI2');
    expect(
      problems(() =>
        parseProvisioningDocument(
          {
            tenants: [
              { path: '/rsa', securityProfile: 'FAPI2' },
              { path: '/odd', securityProfile: 'FAPI1' },
            ],
          },
          {},
        ),
      ),
    ).toEqual([
      'tenants[0].securityProfile: FAPI2 needs a tenant signing algorithm of ES256 or EdDSA, not RS256',
      'tenants[1].securityProfile: must be one of NONE, FAPI2',
    ]);
  });

  it("takes a tenant's second-factor policy (default OPTIONAL, no roles) and refuses an unknown one", () => {
    const plan = parseProvisioningDocument(
      { tenants: [{ path: '/plain' }, { path: '/strict', mfaPolicy: 'REQUIRED', mfaRequiredRoles: ['auditor', ' admin', 'auditor'] }] },
      {},
    );
    expect(plan.tenants[0]).toMatchObject({ mfaPolicy: 'OPTIONAL', mfaRequiredRoles: [] });
    expect(plan.tenants[1]).toMatchObject({ mfaPolicy: 'REQUIRED', mfaRequiredRoles: ['admin', 'auditor'] });
    expect(
      problems(() =>
        parseProvisioningDocument(
          {
            tenants: [
              { path: '/odd', mfaPolicy: 'ALWAYS' },
              { path: '/blank', mfaRequiredRoles: [''] },
            ],
          },
          {},
        ),
      ),
    ).toEqual([
      'tenants[0].mfaPolicy: must be one of OFF, OPTIONAL, REQUIRED',
      'tenants[1].mfaRequiredRoles: role names must be 1 to 100 characters',
    ]);
  });

  it("takes a tenant's key rotation policy (default: manual only) and refuses a period within the longest token lifetime plus the window", () => {
    const plan = parseProvisioningDocument(
      { tenants: [{ path: '/plain' }, { path: '/rot', keyRotationDays: 30, keyPublicationSeconds: 900 }] },
      {},
    );
    expect(plan.tenants[0]).toMatchObject({ keyRotationDays: 0, keyPublicationSeconds: 360 });
    expect(plan.tenants[1]).toMatchObject({ keyRotationDays: 30, keyPublicationSeconds: 900 });
    expect(
      problems(() =>
        parseProvisioningDocument(
          {
            tenants: [
              { path: '/short', keyRotationDays: 1 },
              {
                path: '/long-tokens',
                keyRotationDays: 2,
                clients: [{ clientId: 'svc', name: 'Svc', grantTypes: ['client_credentials'], accessTokenLifetime: 172800 }],
              },
            ],
          },
          {},
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^tenants\[0\]\.keyRotationDays: must be longer than the longest token lifetime \(86400 s\)/),
      expect.stringMatching(/^tenants\[1\]\.keyRotationDays: must be longer than the longest token lifetime \(172800 s\)/),
    ]);
  });

  it("takes a client's responseStyle (seed 001 clients) and refuses an unknown one", () => {
    const client = (responseStyle: string) => ({
      tenants: [
        { path: '/a', clients: [{ clientId: 'seed', name: 'Seed', clientSecret: 'seed-client-secret-0123456789', responseStyle }] },
      ],
    });
    expect(parseProvisioningDocument(client('seed001'), {}).tenants[0]!.clients[0]!.settings.responseStyle).toBe('seed001');
    expect(problems(() => parseProvisioningDocument(client('fancy'), {}))).toEqual([
      expect.stringMatching(/^tenants\[0\]\.clients\[0\]\.responseStyle: must be one of standard, seed001$/),
    ]);
  });

  it('takes requireSignedRequestObject (RFC 9101) for a client with keys, and refuses it for one without', () => {
    const jwks = {
      keys: [
        { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
      ],
    };
    const client = (extra: Record<string, unknown>) => ({
      tenants: [{ path: '/a', clients: [{ clientId: 'jar', name: 'Jar', clientSecret: 'jar-client-secret-0123456789', ...extra }] }],
    });
    const parsed = parseProvisioningDocument(client({ requireSignedRequestObject: true, jwks }), {});
    expect(parsed.tenants[0]!.clients[0]!.settings.requireSignedRequestObject).toBe(true);
    expect(parseProvisioningDocument(client({}), {}).tenants[0]!.clients[0]!.settings.requireSignedRequestObject).toBe(false);
    expect(problems(() => parseProvisioningDocument(client({ requireSignedRequestObject: true }), {}))).toEqual([
      expect.stringMatching(/requireSignedRequestObject/),
    ]);
  });

  it('refuses the client ids the server makes itself and redirect URIs that are not strict, naming the entry', () => {
    const doc = {
      tenants: [
        {
          path: '/a',
          clients: [
            {
              clientId: 'account.00000000-0000-4000-8000-000000000000',
              name: 'x',
              isPublic: true,
              grantTypes: ['authorization_code'],
              redirectUris: ['https://app.example/cb'],
            },
            {
              clientId: 'console',
              name: 'x',
              isPublic: true,
              grantTypes: ['authorization_code'],
              redirectUris: ['https://app.example/cb'],
            },
            {
              clientId: 'app',
              name: 'x',
              isPublic: true,
              grantTypes: ['authorization_code'],
              redirectUris: ['https://app.example/cb', 'https:/app.example/cb'],
            },
          ],
        },
      ],
    };
    const found = problems(() => parseProvisioningDocument(doc, {}));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tenants\[0\]\.clients\[0\]\.clientId: .*reserved/),
        expect.stringMatching(/^tenants\[0\]\.clients\[1\]\.clientId: .*reserved/),
        expect.stringMatching(/^tenants\[0\]\.clients\[2\]\.redirectUris\[1\]: /),
      ]),
    );
  });

  it('names the unset variable and where it is used', () => {
    expect(
      problems(() =>
        parseProvisioningDocument({ tenants: [{ path: '/a', users: [{ username: 'ada', password: '${ADA_PASSWORD}' }] }] }, {}),
      ),
    ).toEqual(['tenants[0].users[0].password: environment variable ADA_PASSWORD is not set']);
  });

  it('refuses duplicate natural keys in one file', () => {
    const client = { clientId: 'same', name: 'x', clientSecret: `${'x'.repeat(19)}y` };
    expect(
      problems(() =>
        parseProvisioningDocument(
          {
            tenants: [
              { path: '/a', clients: [client] },
              { path: '/a/', clients: [client] },
            ],
          },
          {},
        ),
      ),
    ).toEqual([
      'tenants[1].path: tenant /a appears twice in the file (first at tenants[0].path)',
      'tenants[1].clients[0].clientId: client same appears twice in the file (first at tenants[0].clients[0].clientId)',
    ]);
  });

  it('reports text that is not JSON', () => {
    expect(problems(() => parseProvisioningText('{ "tenants": [', {}))[0]).toMatch(/^\(file\): not valid JSON/);
  });
});
