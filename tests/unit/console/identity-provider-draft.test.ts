import type { IdentityProviderFieldsFragment } from '../../../src/sdk/generated';
import {
  EMPTY_PROVIDER,
  claimMappingOf,
  createProviderInput,
  listOf,
  providerDraftOf,
  updateProviderInput,
} from '../../../console/src/identity-provider-draft';
import { amrText, confirmEndAll, sessionClientsText, sessionsEnded } from '../../../console/src/session-text';

const stored: IdentityProviderFieldsFragment = {
  id: 'p1',
  tenantPath: '/acme',
  kind: 'OIDC',
  alias: 'partner',
  name: 'Partner',
  issuer: 'https://login.partner.example',
  authorizationEndpoint: null,
  tokenEndpoint: null,
  userinfoEndpoint: null,
  clientId: 'tenant-idp',
  hasClientSecret: true,
  scopes: ['openid', 'email'],
  emailDomains: ['partner.example', 'partner.test'],
  exclusive: true,
  jitProvisioning: false,
  trustEmailVerified: false,
  upstreamLogout: true,
  enabled: true,
  redirectUri: 'https://idp.example/t/acme/federation/partner/callback',
  backchannelLogoutUri: 'https://idp.example/t/acme/federation/partner/backchannel-logout',
  postLogoutRedirectUri: 'https://idp.example/t/acme/federation/partner/logged-out',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  claimMapping: [
    { field: 'username', claim: 'preferred_username' },
    { field: 'email', claim: 'mail' },
  ],
};

describe('console identity provider form', () => {
  it('reads lists separated by spaces, commas or lines, and mapping lines field=claim', () => {
    expect(listOf(' a.example, b.example\nc.example ,, ')).toEqual(['a.example', 'b.example', 'c.example']);
    expect(claimMappingOf('email = mail\n\nusername=upn\nphone')).toEqual([
      { field: 'email', claim: 'mail' },
      { field: 'username', claim: 'upn' },
      // Sent as typed: the API refuses it under claimMapping.
      { field: 'phone', claim: '' },
    ]);
  });

  it('an edit of a provider with a stored secret sends no secret while the field stays empty, and round-trips the rest', () => {
    const draft = providerDraftOf(stored);
    expect(draft.clientSecret).toBe('');
    const input = updateProviderInput(draft);
    expect(input).not.toHaveProperty('clientSecret');
    expect(input).not.toHaveProperty('clearClientSecret');
    expect(input).toMatchObject({
      name: 'Partner',
      alias: 'partner',
      issuer: 'https://login.partner.example',
      authorizationEndpoint: null,
      scopes: ['openid', 'email'],
      emailDomains: ['partner.example', 'partner.test'],
      exclusive: true,
      jitProvisioning: false,
      claimMapping: stored.claimMapping,
    });
    expect(updateProviderInput({ ...draft, clientSecret: 'new-secret' })).toMatchObject({ clientSecret: 'new-secret' });
    expect(updateProviderInput({ ...draft, clearClientSecret: true })).toMatchObject({ clearClientSecret: true });
  });

  it('a new OIDC provider names no endpoints; an OAUTH2 one sends its three', () => {
    const base = {
      ...EMPTY_PROVIDER,
      name: 'P',
      alias: 'p',
      issuer: 'https://p.example',
      clientId: 'c',
      authorizationEndpoint: 'https://x',
    };
    expect(createProviderInput('/acme', base)).toMatchObject({
      tenantPath: '/acme',
      kind: 'OIDC',
      authorizationEndpoint: null,
      clientSecret: null,
      claimMapping: null,
      jitProvisioning: true,
      enabled: true,
    });
    const oauth2 = createProviderInput('/', {
      ...base,
      kind: 'OAUTH2',
      tokenEndpoint: 'https://p.example/token',
      userinfoEndpoint: 'https://p.example/me',
      clientSecret: 's',
    });
    expect(oauth2).toMatchObject({
      kind: 'OAUTH2',
      authorizationEndpoint: 'https://x',
      tokenEndpoint: 'https://p.example/token',
      userinfoEndpoint: 'https://p.example/me',
      clientSecret: 's',
    });
  });
});

describe('console session wording', () => {
  it('names clients, methods and counts', () => {
    expect(
      sessionClientsText([
        { clientId: 'app-1', name: 'Shop' },
        { clientId: 'app-2', name: '' },
      ]),
    ).toBe('Shop, app-2');
    expect(sessionClientsText([])).toBe('none yet');
    expect(amrText(['pwd', 'otp'])).toBe('pwd, otp');
    expect(sessionsEnded('lena', 1)).toBe('Ended 1 session of lena.');
    expect(sessionsEnded('lena', 3)).toBe('Ended 3 sessions of lena.');
    expect(confirmEndAll('lena', 2)).toMatch(/^End all 2 sessions of lena\?/);
  });
});
