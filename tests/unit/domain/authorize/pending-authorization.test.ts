import { randomBytes } from 'node:crypto';
import type { AuthorizationRequest } from '../../../../src/domain/authorize/authorization-request';
import { PendingAuthorizationSealer } from '../../../../src/domain/authorize/pending-authorization';
import { ServerSecret } from '../../../../src/domain/crypto/server-secret';
import { domainErrorFrom } from '../../expect-domain-error';

const request: AuthorizationRequest = {
  clientId: 'app',
  redirectUri: 'https://app/cb',
  scopes: ['openid'],
  state: 's',
  nonce: null,
  codeChallenge: null,
  codeChallengeMethod: null,
  prompt: [],
  maxAge: null,
};

describe('PendingAuthorizationSealer', () => {
  const clock = { at: new Date('2030-01-01T00:00:00Z'), now: () => clock.at };
  const sealer = new PendingAuthorizationSealer(new ServerSecret(randomBytes(32)), clock);
  const pending = { stage: 'sign-in' as const, request, userId: null };

  it('round-trips for the same browser, stage and time window', () => {
    expect(sealer.open(sealer.seal(pending, 'browser-1'), 'browser-1', 'sign-in')).toEqual(pending);
  });

  it('refuses another browser, another stage, a later time, tampering and another server secret', () => {
    const sealed = sealer.seal(pending, 'browser-1');
    expect(domainErrorFrom(() => sealer.open(sealed, 'browser-2', 'sign-in')).code).toBe('invalid_request');
    expect(domainErrorFrom(() => sealer.open(sealed, 'browser-1', 'consent')).code).toBe('invalid_request');
    expect(domainErrorFrom(() => sealer.open(sealed, undefined, 'sign-in')).code).toBe('invalid_request');
    expect(domainErrorFrom(() => sealer.open(`${sealed.slice(0, -2)}AA`, 'browser-1', 'sign-in')).code).toBe('invalid_request');
    expect(domainErrorFrom(() => sealer.open('garbage', 'browser-1', 'sign-in')).code).toBe('invalid_request');
    const other = new PendingAuthorizationSealer(new ServerSecret(randomBytes(32)), clock);
    expect(domainErrorFrom(() => other.open(sealed, 'browser-1', 'sign-in')).code).toBe('invalid_request');
    clock.at = new Date(clock.at.getTime() + 601_000);
    expect(domainErrorFrom(() => sealer.open(sealed, 'browser-1', 'sign-in')).code).toBe('invalid_request');
  });
});
