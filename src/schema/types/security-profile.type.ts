import { registerEnumType } from 'type-graphql';

export enum SecurityProfileEnum {
  NONE = 'NONE',
  FAPI2 = 'FAPI2',
}
registerEnumType(SecurityProfileEnum, {
  name: 'SecurityProfile',
  description: 'A security profile a tenant or a client is held to.',
  valuesConfig: {
    NONE: { description: 'The server’s ordinary rules; on a client, its tenant’s profile applies.' },
    FAPI2: {
      description:
        'FAPI 2.0 Security Profile: confidential clients with private_key_jwt, PAR, PKCE S256, DPoP-bound tokens, no password grant, no refresh token rotation, PS256/ES256/EdDSA only (a tenant signing with RS256 cannot use it).',
    },
  },
});
