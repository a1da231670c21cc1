/** The identity provider form's text and what it sends: lists typed as text, the secret write-only. */
import type { CreateIdentityProviderInput, IdentityProviderFieldsFragment, UpdateIdentityProviderInput } from '../../src/sdk/generated';

export interface IdentityProviderDraft {
  kind: 'OIDC' | 'OAUTH2';
  name: string;
  alias: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  clientId: string;
  /** Empty on edit: the stored secret stays. */
  clientSecret: string;
  /** Edit only: remove the stored secret (a public client). */
  clearClientSecret: boolean;
  /** Separated by spaces or commas. */
  scopes: string;
  /** Separated by spaces or commas. */
  emailDomains: string;
  /** One `field=claim` a line. */
  claimMapping: string;
  exclusive: boolean;
  jitProvisioning: boolean;
  trustEmailVerified: boolean;
  upstreamLogout: boolean;
  enabled: boolean;
}

export const EMPTY_PROVIDER: IdentityProviderDraft = {
  kind: 'OIDC',
  name: '',
  alias: '',
  issuer: '',
  authorizationEndpoint: '',
  tokenEndpoint: '',
  userinfoEndpoint: '',
  clientId: '',
  clientSecret: '',
  clearClientSecret: false,
  scopes: '',
  emailDomains: '',
  claimMapping: '',
  exclusive: false,
  jitProvisioning: true,
  trustEmailVerified: false,
  upstreamLogout: true,
  enabled: true,
};

/** The form's inputs, named as the API names the fields (its errors land under them). */
export const PROVIDER_FIELDS = [
  'kind',
  'name',
  'alias',
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'userinfoEndpoint',
  'clientId',
  'clientSecret',
  'scopes',
  'emailDomains',
  'claimMapping',
  'exclusive',
  'jitProvisioning',
  'trustEmailVerified',
  'upstreamLogout',
  'enabled',
] as const;

/** Words of a list typed with spaces, commas or new lines between them. */
export const listOf = (text: string): string[] => text.split(/[\s,]+/).filter((word) => word !== '');

/** `field=claim` lines as the API's mapping; a line without `=` is sent as it stands, for the API to refuse under `claimMapping`. */
export function claimMappingOf(text: string): { field: string; claim: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const mark = line.indexOf('=');
      return mark === -1 ? { field: line, claim: '' } : { field: line.slice(0, mark).trim(), claim: line.slice(mark + 1).trim() };
    });
}

/** A stored provider as the form shows it; the secret field starts empty. */
export function providerDraftOf(provider: IdentityProviderFieldsFragment): IdentityProviderDraft {
  return {
    kind: provider.kind === 'OAUTH2' ? 'OAUTH2' : 'OIDC',
    name: provider.name,
    alias: provider.alias,
    issuer: provider.issuer,
    authorizationEndpoint: provider.authorizationEndpoint ?? '',
    tokenEndpoint: provider.tokenEndpoint ?? '',
    userinfoEndpoint: provider.userinfoEndpoint ?? '',
    clientId: provider.clientId,
    clientSecret: '',
    clearClientSecret: false,
    scopes: provider.scopes.join(' '),
    emailDomains: provider.emailDomains.join(', '),
    claimMapping: provider.claimMapping.map((entry) => `${entry.field}=${entry.claim}`).join('\n'),
    exclusive: provider.exclusive,
    jitProvisioning: provider.jitProvisioning,
    trustEmailVerified: provider.trustEmailVerified,
    upstreamLogout: provider.upstreamLogout,
    enabled: provider.enabled,
  };
}

/** What both mutations share: the endpoints only for OAUTH2 (an OIDC provider discovers them). */
function common(draft: IdentityProviderDraft) {
  const oauth2 = draft.kind === 'OAUTH2';
  return {
    name: draft.name,
    alias: draft.alias,
    issuer: draft.issuer,
    authorizationEndpoint: oauth2 ? draft.authorizationEndpoint : null,
    tokenEndpoint: oauth2 ? draft.tokenEndpoint : null,
    userinfoEndpoint: oauth2 ? draft.userinfoEndpoint : null,
    clientId: draft.clientId,
    scopes: listOf(draft.scopes),
    emailDomains: listOf(draft.emailDomains),
    exclusive: draft.exclusive,
    jitProvisioning: draft.jitProvisioning,
    trustEmailVerified: draft.trustEmailVerified,
    upstreamLogout: draft.upstreamLogout,
    enabled: draft.enabled,
  };
}

export function createProviderInput(tenantPath: string, draft: IdentityProviderDraft): CreateIdentityProviderInput {
  const mapping = claimMappingOf(draft.claimMapping);
  return {
    tenantPath,
    kind: draft.kind,
    ...common(draft),
    clientSecret: draft.clientSecret === '' ? null : draft.clientSecret,
    claimMapping: mapping.length > 0 ? mapping : null,
  };
}

/** The update: an empty secret field sends no secret, so the stored one stays (unless removal is asked). */
export function updateProviderInput(draft: IdentityProviderDraft): UpdateIdentityProviderInput {
  return {
    ...common(draft),
    ...(draft.clientSecret !== '' ? { clientSecret: draft.clientSecret } : {}),
    ...(draft.clearClientSecret && draft.clientSecret === '' ? { clearClientSecret: true } : {}),
    claimMapping: claimMappingOf(draft.claimMapping),
  };
}
