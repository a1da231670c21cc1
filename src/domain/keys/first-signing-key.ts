import type { DomainDeps } from '../deps';
import { generateSigningKeyPair } from './generate-key-pair';
import type { SigningAlgorithm } from './signing-algorithm';
import type { NewSigningKey, SigningKeyStore } from './signing-key-store';

/** A freshly generated key pair, its private half sealed under the server secret, not yet bound to a tenant. */
export async function newSigningKey(
  deps: Pick<DomainDeps, 'secret'>,
  algorithm: SigningAlgorithm,
): Promise<Omit<NewSigningKey, 'tenantId' | 'activatesAt'>> {
  const generated = await generateSigningKeyPair(algorithm);
  return {
    kid: generated.kid,
    algorithm,
    publicJwk: generated.publicJwk as Record<string, unknown>,
    sealedPrivateJwk: deps.secret.encrypt(JSON.stringify(generated.privateJwk), 'signing-key'),
  };
}

/**
 * A tenant's first signing key, which signs at once: generated before the
 * tenant's transaction (key generation is slow and needs no database), and
 * written by the returned step inside it, so a tenant never exists without
 * its key. It needs no TenantService, so the tenant service is built with it
 * (the composition root passes it as the tenant's creation step).
 */
export async function prepareFirstSigningKey(
  deps: Pick<DomainDeps, 'secret' | 'clock'>,
  store: Pick<SigningKeyStore, 'insertActiveIfNone'>,
  algorithm: SigningAlgorithm,
): Promise<(tenantId: string) => Promise<void>> {
  const key = await newSigningKey(deps, algorithm);
  return async (tenantId) => {
    await store.insertActiveIfNone({ ...key, tenantId, activatesAt: deps.clock.now() });
  };
}
