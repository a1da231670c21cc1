import { randomUUID } from 'node:crypto';
import { Database } from '../../src/data/database';
import type { PreparedQueries } from '../../src/data/prepared-queries';
import { RefreshTokenRepository } from '../../src/data/refresh-token.repository';
import type { ChangeEvent } from '../../src/domain/changes/change-bus';
import { transactionAwareBus } from '../../src/domain/changes/transaction-aware-bus';
import type { Domain } from '../../src/composition/create-domain';
import { sha256 } from '../../src/domain/crypto/random';
import { isUniqueViolation, mapUniqueViolation } from '../../src/domain/db-errors';
import { isDomainError } from '../../src/domain/errors';
import type { Tenant } from '../../src/domain/tenants/tenant';
import type { User } from '../../src/domain/users/user';
import { createAuthorizationCode } from '../fixtures/authorization-code';
import { createClient, createUser, ensureTenant, type ClientFixture } from '../fixtures/grant-setup';
import { basic, postForm } from '../support/oauth';
import { FakeBus } from '../support/fake-change-bus';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

const REDIRECT = 'https://app.example.com/cb';

/**
 * The domain's transaction port (`Transactions.run`, implemented by the data
 * layer's Database): store calls made inside `run` share one transaction
 * without an EntityManager being handed around, and a failure anywhere in it
 * leaves nothing written. Also: the data layer marks unique violations so the
 * domain recognises them without MikroORM's error types.
 */
describe('transactions and store errors across the domain/data boundary', () => {
  let t: TestServer;
  let domain: Domain;
  let tenant: Tenant;
  let user: User;
  let client: ClientFixture;
  /** Only the ORM side: these tests never use the prepared-statement pool. */
  let db: Database;

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    tenant = await ensureTenant(domain, '/tx');
    user = await createUser(domain, '/tx');
    client = await createClient(domain, {
      tenantPath: '/tx',
      redirectUris: [REDIRECT],
      allowedScopes: ['openid', 'offline_access'],
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    db = new Database(t.server.orm, {} as PreparedQueries);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t.close();
  });

  const family = (id = randomUUID()) => ({
    id,
    tenantId: tenant.id,
    clientId: client.clientId,
    userId: user.id,
    deviceId: null,
    scopes: ['openid'],
    authTime: null,
    nonce: null,
    createdAt: new Date(),
  });
  const familyExists = async (id: string) =>
    (await sqlRows(t.databaseUrl, 'select 1 from token_families where id = $1', [id])).length === 1;

  it('redeeming a code is all or nothing: when starting its token family fails, the code stays unconsumed and redeems later', async () => {
    const code = await createAuthorizationCode(domain, t.server.orm, {
      tenantId: tenant.id,
      clientId: client.clientId,
      userId: user.id,
      redirectUri: REDIRECT,
      scopes: ['openid', 'offline_access'],
    });
    const insertFamily = RefreshTokenRepository.prototype.insertFamily;
    let started: string | null = null;
    // The family row is written, then the transaction fails: both writes must roll back.
    jest.spyOn(RefreshTokenRepository.prototype, 'insertFamily').mockImplementationOnce(async function (this: RefreshTokenRepository, row) {
      await insertFamily.call(this, row);
      started = row.id;
      throw new Error('injected failure after the family insert');
    });
    const redeem = () =>
      postForm<{ refresh_token?: string; error?: string }>(
        `${t.url}/token`,
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
        { authorization: basic(client.clientId, client.clientSecret!) },
      );

    const failed = await redeem();
    expect(failed.status).toBe(500);
    expect(started).not.toBeNull();
    expect(await familyExists(started!)).toBe(false);
    const [row] = await sqlRows<{ consumed_at: Date | null; family_id: string | null }>(
      t.databaseUrl,
      'select consumed_at, family_id from authorization_codes where code_hash = $1',
      [sha256(code)],
    );
    expect(row).toEqual({ consumed_at: null, family_id: null });

    // Not a replay: the code still redeems, and what it issues is usable.
    const redeemed = await redeem();
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.refresh_token).toBeDefined();
  });

  it('Database.run: repositories, raw SQL and a nested run join one transaction, committed together', async () => {
    const tokens = new RefreshTokenRepository(db);
    const first = randomUUID();
    const second = randomUUID();
    await db.run(async () => {
      expect(db.em()).toBe(db.em());
      await tokens.insertFamily(family(first));
      await db.execute('update token_families set nonce = ? where id = ?', ['raw', first], 'run');
      await db.run(() => tokens.insertFamily(family(second)));
      // Another connection does not see uncommitted rows.
      expect(await familyExists(first)).toBe(false);
    });
    expect(await sqlRows(t.databaseUrl, 'select nonce from token_families where id = $1', [first])).toEqual([{ nonce: 'raw' }]);
    expect(await familyExists(second)).toBe(true);
    // Outside `run`, each call gets a fresh unit of work.
    expect(db.em()).not.toBe(db.em());
  });

  it('Database.run: a rejection rolls back every write made inside, and the error reaches the caller as it was', async () => {
    const tokens = new RefreshTokenRepository(db);
    const id = randomUUID();
    const failure = new Error('work failed');
    await expect(
      db.run(async () => {
        await tokens.insertFamily(family(id));
        await db.execute('update token_families set nonce = ? where id = ?', ['raw', id], 'run');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await familyExists(id)).toBe(false);
  });

  it('the domain bus holds what is published inside run until the commit, drops it on rollback, and is not live inside', async () => {
    const inner = new FakeBus();
    const seen: string[] = [];
    inner.subscribe((event) => seen.push(event.key));
    const bus = transactionAwareBus(inner, db);
    const event = (key: string): ChangeEvent => ({ topic: 'client', kind: 'updated', key });
    const id = randomUUID();

    await db.run(async () => {
      expect(bus.live).toBe(false);
      await bus.publish(event('committed'));
      await db.run(() => bus.publish(event('nested')));
      await new RefreshTokenRepository(db).insertFamily(family(id));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['committed', 'nested']);
    expect(await familyExists(id)).toBe(true);

    await expect(
      db.run(async () => {
        await bus.publish(event('rolled back'));
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(seen).toEqual(['committed', 'nested']);

    expect(bus.live).toBe(true);
    await bus.publish(event('outside'));
    expect(seen).toEqual(['committed', 'nested', 'outside']);
  });

  it('a unique violation, from a flush or from raw SQL, is marked for the domain and becomes `conflict` there; other errors are not', async () => {
    const tokens = new RefreshTokenRepository(db);
    const id = randomUUID();
    await tokens.insertFamily(family(id));
    const fromFlush = await tokens.insertFamily(family(id)).catch((error: unknown) => error);
    expect(isUniqueViolation(fromFlush)).toBe(true);
    const fromSql = await db
      .execute(
        'insert into token_families (id, tenant_id, client_id, scopes) values (?, ?, ?, ?)',
        [id, tenant.id, client.clientId, '{}'],
        'run',
      )
      .catch((error: unknown) => error);
    expect(isUniqueViolation(fromSql)).toBe(true);
    const conflict = await mapUniqueViolation(() => tokens.insertFamily(family(id)), 'taken').catch((error: unknown) => error);
    expect(isDomainError(conflict) && conflict.code).toBe('conflict');

    const notUnique = await tokens.insertFamily({ ...family(), tenantId: randomUUID() }).catch((error: unknown) => error);
    expect(notUnique).toBeInstanceOf(Error);
    expect(isUniqueViolation(notUnique)).toBe(false);
    expect(await mapUniqueViolation(() => Promise.reject(notUnique), 'taken').catch((error: unknown) => error)).toBe(notUnique);
  });
});
