import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSigningKeyPair, type GeneratedKeyPair } from '../../src/domain/keys/generate-key-pair';
import type { SigningAlgorithm } from '../../src/domain/keys/signing-algorithm';

/** How many RS256 key pairs global-setup makes once per run: more than any test file's in-process servers create. */
const POOL_SIZE = 40;

/**
 * Real RS256 key pairs (jose, 2048-bit), made once per run by global-setup into the run's temp dir
 * (`IDP_TEST_KEY_POOL`), because each one costs ~0.1 s of CPU and the run creates hundreds of
 * tenants. Servers started by tests/support/test-server.ts take them through the server's
 * `generateKeyPair` seam; spawned `dist/main.js` processes make their own.
 */
export async function makeKeyPool(dir: string): Promise<string> {
  const keys = await Promise.all(Array.from({ length: POOL_SIZE }, () => generateSigningKeyPair('RS256')));
  const file = path.join(dir, 'key-pool.json');
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return file;
}

let pool: GeneratedKeyPair[] | undefined;
let taken = 0;

/**
 * The next pooled RS256 key pair, distinct within a test file (the module is loaded once per file), then
 * fresh ones once the pool is used up; other algorithms (cheap to make) are always fresh.
 */
export async function pooledKeyPair(algorithm: SigningAlgorithm): Promise<GeneratedKeyPair> {
  if (algorithm === 'RS256' && process.env.IDP_TEST_KEY_POOL) {
    pool ??= JSON.parse(readFileSync(process.env.IDP_TEST_KEY_POOL, 'utf8')) as GeneratedKeyPair[];
    const key = pool[taken++];
    if (key) return structuredClone(key);
  }
  return generateSigningKeyPair(algorithm);
}
