import { confirmRevocation, revocationResult, tokensMadeInactive } from '../../../console/src/revocation-text';

describe('console revocation texts', () => {
  it('counts tokens, singular for one', () => {
    expect(tokensMadeInactive(0)).toBe('0 tokens made inactive');
    expect(tokensMadeInactive(1)).toBe('1 token made inactive');
    expect(tokensMadeInactive(12)).toBe('12 tokens made inactive');
  });

  it('asks before each kind of revocation, naming what goes', () => {
    expect(confirmRevocation({ kind: 'device', name: 'kasir-1' })).toBe('Revoke device kasir-1? This cannot be undone.');
    expect(confirmRevocation({ kind: 'user', userId: 'u1' })).toMatch(/^Revoke every token of user u1\?/);
    expect(confirmRevocation({ kind: 'client', clientId: 'web' })).toMatch(/^Revoke every token of client web, its users' included\?/);
    expect(confirmRevocation({ kind: 'batch', tenantPath: '/acme', beforeIso: '2026-12-01T06:00:00.000Z' })).toBe(
      'Revoke every token of /acme and its subtree issued before 2026-12-01T06:00:00.000Z? This cannot be undone.',
    );
  });

  it('reports the count the API returned for the same target', () => {
    expect(revocationResult({ kind: 'device', name: 'kasir-1' }, 2)).toBe('Revoked device kasir-1: 2 tokens made inactive.');
    expect(revocationResult({ kind: 'user', userId: 'u1' }, 1)).toBe('Revoked every token of user u1: 1 token made inactive.');
  });
});
