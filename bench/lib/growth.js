'use strict';
// Growth data for the data-size comparison, bulk-inserted with SQL (pg) straight
// into the server's database: issuing 100k tokens over HTTP would not fit the time
// budget. The rows are shaped like the server's own: uuid ids, real tenant ids,
// client secrets stored as the server's HMAC digest (SECRET_KEY is the bench's),
// revocations expiring in the future. ANALYZE runs afterwards.

const path = require('node:path');
const { randomBytes, randomUUID, createHash } = require('node:crypto');
const { Client } = require('pg');
const { REPO } = require('./server');

const { ServerSecret } = require(path.join(REPO, 'dist', 'domain', 'crypto', 'server-secret.js'));

async function withDb(url, fn) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

async function countRows(url) {
  return withDb(url, async (db) => {
    const { rows } = await db.query(`select
        (select count(*)::int from clients) as clients,
        (select count(*)::int from revoked_tokens) as revoked_tokens,
        (select count(*)::int from token_families) as token_families,
        (select count(*)::int from token_families where revoked_at is not null) as revoked_families,
        (select count(*)::int from refresh_tokens) as refresh_tokens,
        (select count(*)::int from users) as users,
        (select count(*)::int from tenants) as tenants`);
    return rows[0];
  });
}

/**
 * Tops the database up to `totalClients` clients and adds `revokedTokens` revoked
 * access tokens, plus `revokedFamilies` revoked refresh families of 5 rotated refresh
 * tokens each. Returns one usable bulk client (id + secret) to prove the rows are real.
 */
async function insertGrowthData(url, { secretKey, tenantIds, userIds, totalClients, totalUsers, revokedTokens, revokedFamilies }) {
  const secret = new ServerSecret(Buffer.from(secretKey, 'base64'));
  // one real argon2id hash (server parameters) shared by the bulk users: nobody signs in as them
  const argon2 = require('@node-rs/argon2');
  const passwordHash = await argon2.hash(randomBytes(16).toString('base64url'), {
    algorithm: argon2.Algorithm.Argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  return withDb(url, async (db) => {
    const t0 = performance.now();
    const before = (await db.query('select count(*)::int as n from clients')).rows[0].n;
    const add = Math.max(0, totalClients - before);
    const ids = [];
    const clientIds = [];
    const digests = [];
    const tenants = [];
    let sample = null;
    for (let i = 0; i < add; i++) {
      const s = randomBytes(32).toString('base64url');
      const clientId = `growth-${randomBytes(8).toString('hex')}`;
      if (!sample) sample = { clientId, secret: s };
      ids.push(randomUUID());
      clientIds.push(clientId);
      digests.push(secret.digest(s));
      tenants.push(tenantIds[i % tenantIds.length]);
    }
    await db.query('begin');
    const usersBefore = (await db.query('select count(*)::int as n from users')).rows[0].n;
    const { rows: newUsers } = await db.query(
      `insert into users (id, tenant_id, username, email, firstname, lastname, password_hash, created_at, updated_at)
       select gen_random_uuid(), ($1::uuid[])[1 + g % cardinality($1::uuid[])], 'growth-user-' || g, 'growth-user-' || g || '@bench.example',
              'Growth', 'User ' || g, $2, now() - (g % 720) * interval '1 hour', now()
         from generate_series(1, $3::int) g
       returning id`,
      [tenantIds, passwordHash, Math.max(0, totalUsers - usersBefore)],
    );
    const allUserIds = [...userIds, ...newUsers.map((u) => u.id)];
    await db.query(
      `insert into clients (id, tenant_id, client_id, name, secret_digest, grant_types, allowed_scopes, created_at, updated_at)
       select id, tenant_id, client_id, 'growth client ' || client_id, digest, '{client_credentials}', '{read,write}', ts, ts
         from (select *, now() - random() * interval '30 days' as ts
                 from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as t(id, tenant_id, client_id, digest)) x`,
      [ids, tenants, clientIds, digests],
    );
    // revoked access tokens: revoked during the last hour, expiring within the next hour
    await db.query(
      `insert into revoked_tokens (jti, tenant_id, expires_at, revoked_at)
       select gen_random_uuid(), ($1::uuid[])[1 + g % cardinality($1::uuid[])],
              now() + (60 + g % 3540) * interval '1 second', now() - (g % 3600) * interval '1 second'
         from generate_series(1, $2::int) g`,
      [tenantIds, revokedTokens],
    );
    // revoked refresh families with their rotated refresh tokens
    const famIds = Array.from({ length: revokedFamilies }, () => randomUUID());
    const famClients = famIds.map((_, i) => clientIds[i % Math.max(1, clientIds.length)]);
    const famTenants = famIds.map((_, i) => tenants[i % Math.max(1, tenants.length)]);
    await db.query(
      `insert into token_families (id, tenant_id, client_id, user_id, scopes, auth_time, revoked_at, created_at)
       select id, tenant_id, client_id, ($4::uuid[])[1 + (ord::int % cardinality($4::uuid[]))], '{openid,offline_access}',
              now() - interval '2 hours', now() - interval '1 hour', now() - interval '2 hours'
         from unnest($1::uuid[], $2::uuid[], $3::text[]) with ordinality as t(id, tenant_id, client_id, ord)`,
      [famIds, famTenants, famClients, allUserIds],
    );
    const hashes = [];
    const rtIds = [];
    const rtFam = [];
    for (let i = 0; i < famIds.length * 5; i++) {
      rtIds.push(randomUUID());
      hashes.push(createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'));
      rtFam.push(famIds[Math.floor(i / 5)]);
    }
    await db.query(
      `insert into refresh_tokens (id, token_hash, family_id, tenant_id, client_id, scopes, expires_at, rotated_at, created_at)
       select t.id, t.hash, f.id, f.tenant_id, f.client_id, f.scopes, now() + interval '29 days', now() - interval '1 hour', now() - interval '2 hours'
         from unnest($1::uuid[], $2::text[], $3::uuid[]) as t(id, hash, family_id) join token_families f on f.id = t.family_id`,
      [rtIds, hashes, rtFam],
    );
    await db.query('commit');
    await db.query('analyze');
    return {
      addedClients: add,
      addedUsers: newUsers.length,
      revokedTokens,
      revokedFamilies,
      refreshTokens: rtIds.length,
      ms: Math.round(performance.now() - t0),
      sampleClient: sample,
    };
  });
}

/** EXPLAIN (ANALYZE, BUFFERS) of the hot queries with realistic parameters. */
// The built server's own statement text (npm run bench builds first).
const { ACCESS_TOKEN_STATE } = require('../../dist/data/revocation.repository.js');

async function explainHotQueries(url, { clientId, jti, familyId, userId }) {
  return withDb(url, async (db) => {
    const explain = async (label, sql, params) => {
      await db.query(sql, params); // warm
      const { rows } = await db.query(`explain (analyze, buffers, costs off, timing on, summary on) ${sql}`, params);
      const plan = rows.map((r) => r['QUERY PLAN']);
      return { label, sql: sql.replace(/\s+/g, ' ').trim(), plan, seqScan: plan.some((l) => /Seq Scan/.test(l)) };
    };
    return [
      // what ClientService.lookup's em.findOne(ClientEntity, { clientId }, { populate: ['secretDigest'] }) sends
      await explain('client lookup by client_id (ClientService.lookup)', `select c0.* from clients as c0 where c0.client_id = $1 limit 1`, [
        clientId,
      ]),
      // RevocationService.accessTokenState: the statement the server prepares
      await explain(
        'access token state and user (RevocationService.accessTokenState, its fallback while the in-memory state may be stale)',
        ACCESS_TOKEN_STATE.text,
        [jti, familyId, userId, clientId],
      ),
    ];
  });
}

module.exports = { insertGrowthData, explainHotQueries, countRows, withDb };
