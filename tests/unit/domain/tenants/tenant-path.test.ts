import { isWithinTenant, normalizeTenantPath, parentTenantPath, tenantPathLineage } from '../../../../src/domain/tenants/tenant-path';
import { domainErrorFrom } from '../../expect-domain-error';

describe('normalizeTenantPath', () => {
  it.each([
    ['/', '/'],
    ['/acme', '/acme'],
    ['/acme/', '/acme'],
    ['/acme//', '/acme'],
    ['  /acme/eu  ', '/acme/eu'],
    ['/a_b-c9/x', '/a_b-c9/x'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeTenantPath(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['acme', 'no leading slash'],
    ['//', 'only slashes'],
    ['/Acme', 'uppercase'],
    ['/a//b', 'empty segment'],
    ['/-acme', 'segment starting with "-"'],
    ['/_acme', 'segment starting with "_"'],
    ['/a b', 'space'],
    ['/a/../b', 'dot segment'],
    ['/a.b', 'dot'],
    ['/é', 'non-ASCII'],
  ])('refuses %j (%s) with validation_failed on the field', (input) => {
    expect(domainErrorFrom(() => normalizeTenantPath(input))).toMatchObject({ code: 'validation_failed', field: 'path' });
  });

  it('reports the caller-supplied field name', () => {
    expect(domainErrorFrom(() => normalizeTenantPath('nope', 'tenant_path')).field).toBe('tenant_path');
  });

  it('allows segments of up to 63 characters', () => {
    const max = `a${'b'.repeat(62)}`;
    expect(normalizeTenantPath(`/${max}`)).toBe(`/${max}`);
    expect(domainErrorFrom(() => normalizeTenantPath(`/${max}c`)).code).toBe('validation_failed');
  });

  it('allows at most 16 levels', () => {
    const levels = (n: number) => `/${Array.from({ length: n }, (_, i) => `l${i}`).join('/')}`;
    expect(normalizeTenantPath(levels(16))).toBe(levels(16));
    expect(domainErrorFrom(() => normalizeTenantPath(levels(17))).code).toBe('validation_failed');
  });
});

describe('parentTenantPath', () => {
  it.each([
    ['/', null],
    ['/acme', '/'],
    ['/acme/eu', '/acme'],
    ['/acme/eu/paris', '/acme/eu'],
  ])('parent of %j is %j', (path, parent) => {
    expect(parentTenantPath(path)).toBe(parent);
  });
});

describe('isWithinTenant', () => {
  it.each([
    ['/acme', '/acme', true],
    ['/acme/eu', '/acme', true],
    ['/acme/eu/paris', '/acme', true],
    ['/acme', '/', true],
    ['/', '/', true],
    // The prefix trap: a sibling whose name starts with the ancestor's name.
    ['/acmex', '/acme', false],
    ['/acme-corp/eu', '/acme', false],
    ['/acme', '/acme/eu', false],
    ['/', '/acme', false],
    ['/other', '/acme', false],
  ])('%j within %j → %s', (path, ancestor, expected) => {
    expect(isWithinTenant(path, ancestor)).toBe(expected);
  });
});

describe('tenantPathLineage', () => {
  it('is just the root for the root', () => {
    expect(tenantPathLineage('/')).toEqual(['/']);
  });

  it('lists every ancestor, root first, ending with the path itself', () => {
    expect(tenantPathLineage('/acme')).toEqual(['/', '/acme']);
    expect(tenantPathLineage('/acme/eu/paris')).toEqual(['/', '/acme', '/acme/eu', '/acme/eu/paris']);
  });
});
