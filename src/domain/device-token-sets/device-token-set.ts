import type { GrantDeclaration } from '../grants/grant-registry';
import type { Device } from './device';

/**
 * The client setting (a `grantTypes` entry) that lets a client's users mint
 * device token sets. Declared in the grant catalogue so client validation and
 * provisioning accept it, but it is no `/token` grant_type: the catalogue
 * ({@link GrantDeclarations}) lists it as a permission, without a handler, so
 * the token endpoint answers unsupported_grant_type and discovery leaves it out.
 */
export const DEVICE_TOKENS: GrantDeclaration = Object.freeze({ grantType: 'device_tokens', parameters: [], publicClients: true });
export const DEVICE_TOKENS_GRANT = DEVICE_TOKENS.grantType;

/** Seed 002: device IdTokens, and the access tokens a device refresh returns, live 24 h. */
export const DEVICE_TOKEN_LIFETIME_SECONDS = 86_400;

/** What creating a device shows once (seed 002 "Simpan Token"). */
export interface DeviceTokenSet {
  readonly IdToken: string;
  readonly RefreshToken: string;
  readonly DeviceId: string;
  readonly device: Device;
}

/** Seed 002's refresh response, field for field. */
export interface DeviceRefreshResponse {
  readonly AccessToken: string;
  readonly ExpiresIn: number;
  readonly TokenType: 'Bearer';
  readonly IdToken: string;
}
