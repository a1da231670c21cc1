import { errors } from '../errors';

/**
 * Seed 003 `access-token-lifetime`: a request may lower the lifetime, never
 * raise it above the client's maximum. Absent means the maximum.
 */
export function chooseAccessTokenLifetime(requested: string | undefined, maximum: number): number {
  if (requested === undefined || requested === '') return maximum;
  if (!/^\d{1,10}$/.test(requested)) {
    throw errors.invalidRequest('access-token-lifetime must be a positive integer number of seconds', 'access-token-lifetime');
  }
  const seconds = Number(requested);
  if (seconds < 1) throw errors.invalidRequest('access-token-lifetime must be at least 1 second', 'access-token-lifetime');
  return Math.min(seconds, maximum);
}
