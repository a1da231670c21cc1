import type { Domain } from '../composition/create-domain';
import { buildDiscoveryMetadata, type DiscoveryMetadata } from '../domain/discovery/build-discovery-metadata';
import { PUBLIC_5_MIN, type EndpointResponse } from './endpoint-types';

/** What the composition root mounts besides the route table, for discovery to advertise (OIDC Discovery 1.0 §3). */
export interface MountedFeatures {
  /** GET `/authorize` (the hosted pages). */
  readonly authorizationEndpoint: boolean;
  /** `/logout` (OIDC RP-Initiated Logout). */
  readonly endSessionEndpoint: boolean;
  /** Ended browser sessions reach the back-channel logout sink (OIDC Back-Channel Logout 1.0). */
  readonly backchannelLogout?: boolean;
}

/**
 * GET `/.well-known/openid-configuration` (OIDC Discovery 1.0 §4) and
 * `/.well-known/oauth-authorization-server` (RFC 8414 §3); the metadata is
 * built on the first request and kept.
 */
export function discoveryEndpoint(domain: Domain, features: MountedFeatures) {
  let discovery: DiscoveryMetadata | undefined;
  return async (): Promise<EndpointResponse> => {
    discovery ??= buildDiscoveryMetadata({
      issuer: domain.issuer,
      grantTypes: domain.grants.tokenGrantTypes,
      // The route table always serves `/register` (routes.ts).
      registrationEndpoint: true,
      ...features,
    });
    return { status: 200, headers: PUBLIC_5_MIN, body: discovery };
  };
}
