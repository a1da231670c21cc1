import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from './env';

/**
 * The keyring, newest first: SECRET_KEYS, or SECRET_KEY alone; otherwise a 32-byte secret generated once
 * under DATA_DIR (mode 0600) and reused on every start, so digests and sealed keys stay valid.
 */
export function loadServerSecrets(env: Pick<Env, 'secretKey' | 'secretKeys' | 'dataDir'>): Buffer[] {
  if (env.secretKeys) return env.secretKeys.map((key) => Buffer.from(key, 'base64'));
  return [loadServerSecret(env)];
}

/** SECRET_KEY when set; otherwise the generated secret under DATA_DIR (made on first use). */
function loadServerSecret(env: Pick<Env, 'secretKey' | 'dataDir'>): Buffer {
  if (env.secretKey) return Buffer.from(env.secretKey, 'base64');
  const file = path.join(env.dataDir, 'secret.key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(env.dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
