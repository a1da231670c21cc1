import { tenantIssuer, tenantPathFromIssuerSegment, tenantPathOfIssuer } from '../../../../src/domain/issuers/tenant-issuer';

describe('tenant issuer URLs', () => {
  const base = 'https://id.example.test';

  it('keeps ISSUER for the root and puts every other tenant under /t/{segments joined by "."}', () => {
    expect(tenantIssuer(base, '/')).toBe(base);
    expect(tenantIssuer(base, '/acme')).toBe(`${base}/t/acme`);
    expect(tenantIssuer(base, '/acme/eu')).toBe(`${base}/t/acme.eu`);
    expect(tenantIssuer(`${base}/idp/`, '/acme/eu_1-x')).toBe(`${base}/idp/t/acme.eu_1-x`);
  });

  it('maps a segment back to exactly the path it came from', () => {
    for (const path of ['/a', '/acme/eu', '/a/b/c/d', '/x-1/y_2']) {
      const issuer = tenantIssuer(base, path);
      expect(tenantPathFromIssuerSegment(issuer.slice(`${base}/t/`.length))).toBe(path);
      expect(tenantPathOfIssuer(base, issuer)).toBe(path);
    }
    expect(tenantPathOfIssuer(base, base)).toBe('/');
  });

  it('refuses malformed segments instead of guessing a tenant', () => {
    for (const segment of ['', '.', 'a.', '.a', 'a..b', 'A', 'a/b', 'a%2eb', ' a', 'a ', '-a', 'a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q']) {
      expect({ segment, path: tenantPathFromIssuerSegment(segment) }).toEqual({ segment, path: null });
    }
    expect(tenantPathOfIssuer(base, 'https://elsewhere.test/t/a')).toBeNull();
    expect(tenantPathOfIssuer(base, `${base}/token`)).toBeNull();
  });
});
