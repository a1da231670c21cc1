import { refreshTokenProblem } from '../../../../src/domain/tokens/refresh-token-problem';
import type { RefreshTokenRecord } from '../../../../src/domain/tokens/refresh-token-record';

const now = new Date('2026-11-23T12:00:00Z');
const record = (overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  id: 'rt',
  familyId: 'family',
  tenantId: 'tenant',
  clientId: 'client',
  userId: 'user',
  deviceId: null,
  scopes: ['openid'],
  authTime: null,
  expiresAt: new Date(now.getTime() + 1000),
  rotatedAt: null,
  createdAt: new Date(now.getTime() - 1000),
  familyRevokedAt: null,
  userEnabled: true,
  user: null,
  scopeCutoffAt: null,
  ...overrides,
});

describe('refreshTokenProblem (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  it('finds none for a fresh token of an enabled user', () => {
    expect(refreshTokenProblem(record(), now)).toBeNull();
  });

  it('never expires a token without expiry (seed 002 device tokens)', () => {
    expect(refreshTokenProblem(record({ expiresAt: null }), new Date('2099-01-01T00:00:00Z'))).toBeNull();
  });

  it.each([
    ['rotated', { rotatedAt: now }],
    ['revoked', { familyRevokedAt: now }],
    ['revoked', { scopeCutoffAt: now }],
    ['expired', { expiresAt: now }],
    ['user_disabled', { userEnabled: false }],
    ['user_disabled', { userEnabled: null }],
  ] as const)('reports %s', (problem, overrides) => {
    expect(refreshTokenProblem(record(overrides), now)).toBe(problem);
  });

  it('keeps a token created after the user or client cutoff', () => {
    expect(refreshTokenProblem(record({ scopeCutoffAt: new Date(now.getTime() - 2000) }), now)).toBeNull();
  });

  it('reports reuse before anything else, so a replayed token always revokes its family', () => {
    expect(refreshTokenProblem(record({ rotatedAt: now, familyRevokedAt: now, expiresAt: now, userEnabled: false }), now)).toBe('rotated');
  });
});
