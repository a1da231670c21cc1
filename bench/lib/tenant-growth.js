'use strict';
// Tenants for the tenant-issuer comparison (issue 20), bulk-inserted with SQL (pg)
// straight into the server's database: children of `/` named /bulk-tenant-<n>, each
// with an active signing key shaped like the server's own (a real public JWK under
// a kid of its own; its private half is never used: nothing signs for these tenants),
// so the root JWKS grows with them while a tenant's own JWKS must not. ANALYZE runs afterwards.

const { generateKeyPairSync, randomUUID } = require('node:crypto');
const { withDb } = require('./growth');

/** Tops the database up to `total` tenants; returns the counts and how long it took. */
async function insertTenants(url, { total }) {
  const t0 = Date.now();
  return withDb(url, async (db) => {
    const before = (await db.query('select count(*)::int as n from tenants')).rows[0].n;
    const add = Math.max(0, total - before);
    if (add > 0) {
      const root = (await db.query(`select id from tenants where path = '/'`)).rows[0].id;
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = { ...publicKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' };
      const ids = Array.from({ length: add }, () => randomUUID());
      await db.query(
        `insert into tenants (id, path, parent_id, name)
         select id, '/bulk-tenant-' || ord, $2::uuid, 'bulk tenant ' || ord from unnest($1::uuid[]) with ordinality as t(id, ord)`,
        [ids, root],
      );
      await db.query(
        `insert into signing_keys (id, tenant_id, kid, algorithm, public_jwk, sealed_private_jwk, status, activates_at)
         select gen_random_uuid(), id, 'bulk-' || id, 'RS256', $2::jsonb || jsonb_build_object('kid', 'bulk-' || id), 'unused', 'active', now()
           from unnest($1::uuid[]) as t(id)`,
        [ids, JSON.stringify(jwk)],
      );
      await db.query('analyze tenants');
      await db.query('analyze signing_keys');
    }
    const counts = (
      await db.query(`select (select count(*)::int from tenants) as tenants, (select count(*)::int from signing_keys) as signing_keys`)
    ).rows[0];
    return { ...counts, added: add, ms: Date.now() - t0 };
  });
}

module.exports = { insertTenants };
