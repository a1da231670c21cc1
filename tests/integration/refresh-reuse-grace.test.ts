import type { Domain } from '../../src/composition/create-domain';
import { RefreshTokenRepository } from '../../src/data/refresh-token.repository';
import { AccessTokenService } from '../../src/domain/tokens/access-token.service';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createClient, createUser, USER_PASSWORD, type ClientFixture } from '../fixtures/grant-setup';
import { TestClock } from '../fixtures/test-clock';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

type TokenBody = { access_token?: string; refresh_token?: string; error?: string };

/** What pg throws when the connection dies under a statement: the outcome of that statement is unknown. */
const connectionLost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });

/**
 * Issue 24 item 8: a refresh retried after a lost or failed answer keeps the
 * session. A 503 means nothing was committed; under a tenant's reuse grace the
 * just-rotated token presented again gets the same successor (a retry, two tabs
 * at once), while reuse after the window, or of a grand-parent, still revokes
 * the family; a strict tenant (grace 0, the default) revokes at once.
 */
describe('refresh-token reuse grace (issue 24)', () => {
  const clock = new TestClock();
  let t: TestServer;
  let domain: Domain;
  let strict: { client: ClientFixture; username: string };
  let lenient: { client: ClientFixture; username: string };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    domain = t.server.app.domain;
    const actor = await rootAdminActor(domain);
    const setUp = async (path: string, refreshReuseGraceSeconds?: number) => {
      await domain.tenants.create(actor, { path, refreshReuseGraceSeconds });
      const user = await createUser(domain, path);
      const client = await createClient(domain, { tenantPath: path, grantTypes: ['password', 'refresh_token'], allowedScopes: ['email'] });
      return { client, username: user.username };
    };
    strict = await setUp('/strict');
    lenient = await setUp('/lenient', 30);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    clock.reset();
    jest.restoreAllMocks();
  });

  const signIn = async (who: { client: ClientFixture; username: string }) => {
    const res = await postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'password', username: who.username, password: USER_PASSWORD },
      { authorization: basic(who.client.clientId, who.client.clientSecret!) },
    );
    expect(res.status).toBe(200);
    return res.body.refresh_token!;
  };
  const refresh = (who: { client: ClientFixture }, token: string) =>
    postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'refresh_token', refresh_token: token },
      { authorization: basic(who.client.clientId, who.client.clientSecret!) },
    );
  const familyRevoked = async (token: string) => (await domain.refreshTokens.findRefreshToken(token))?.familyRevokedAt != null;

  it('defaults to 0 (strict), is carried by the tenant and refuses values outside 0–300', async () => {
    expect((await domain.tenants.require('/strict')).refreshReuseGraceSeconds).toBe(0);
    expect((await domain.tenants.require('/lenient')).refreshReuseGraceSeconds).toBe(30);
    const actor = await rootAdminActor(domain);
    for (const bad of [-1, 301, 1.5]) {
      await expect(domain.tenants.update(actor, '/lenient', { refreshReuseGraceSeconds: bad })).rejects.toMatchObject({
        field: 'refreshReuseGraceSeconds',
      });
    }
  });

  it('strict tenant: presenting the rotated token again revokes the family at once, as before', async () => {
    const parent = await signIn(strict);
    const rotated = await refresh(strict, parent);
    expect(rotated.status).toBe(200);
    const again = await refresh(strict, parent);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect((await refresh(strict, rotated.body.refresh_token!)).body.error).toBe('invalid_grant');
    expect(await familyRevoked(parent)).toBe(true);
  });

  it('a refresh that fails before it rotates (503) has committed nothing: the retry succeeds, even on a strict tenant', async () => {
    const parent = await signIn(strict);
    jest.spyOn(AccessTokenService.prototype, 'issue').mockRejectedValueOnce(connectionLost());
    const failed = await refresh(strict, parent);
    expect(failed.status).toBe(503);
    const retried = await refresh(strict, parent);
    expect(retried.status).toBe(200);
    expect(await familyRevoked(parent)).toBe(false);
  });

  it('within the grace the rotated token gets the same successor and a new access token; the successor is used once', async () => {
    const parent = await signIn(lenient);
    const first = await refresh(lenient, parent);
    expect(first.status).toBe(200);
    clock.advance(20);
    const again = await refresh(lenient, parent);
    expect(again.status).toBe(200);
    expect(again.body.refresh_token).toBe(first.body.refresh_token);
    expect(again.body.access_token).not.toBe(first.body.access_token);
    expect(await domain.accessTokens.inspect(again.body.access_token!)).not.toBeNull();
    // The database keeps the successor only sealed with the rotated token, never in clear.
    const stored = await domain.refreshTokens.findRefreshToken(parent);
    expect(stored?.successorSealed).toMatch(/^v2\./);
    expect(stored?.successorSealed).not.toContain(first.body.refresh_token);

    const next = await refresh(lenient, first.body.refresh_token!);
    expect(next.status).toBe(200);
    // The parent is now a grand-parent: its reuse is theft, even within the grace.
    const stale = await refresh(lenient, parent);
    expect(stale.body.error).toBe('invalid_grant');
    expect(await familyRevoked(parent)).toBe(true);
    expect((await refresh(lenient, next.body.refresh_token!)).body.error).toBe('invalid_grant');
  });

  it('after the grace, presenting the rotated token again revokes the family', async () => {
    const parent = await signIn(lenient);
    const first = await refresh(lenient, parent);
    clock.advance(31);
    const late = await refresh(lenient, parent);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
    expect(await familyRevoked(parent)).toBe(true);
    expect((await refresh(lenient, first.body.refresh_token!)).body.error).toBe('invalid_grant');
  });

  it('a lost answer: the rotation committed, the connection died before the answer (503); the retry gets the committed successor', async () => {
    const parent = await signIn(lenient);
    const rotate = RefreshTokenRepository.prototype.rotate;
    jest.spyOn(RefreshTokenRepository.prototype, 'rotate').mockImplementationOnce(async function (this: RefreshTokenRepository, ...args) {
      expect(await rotate.apply(this, args)).toBe(true);
      throw connectionLost();
    });
    const lost = await refresh(lenient, parent);
    expect(lost.status).toBe(503);
    const retried = await refresh(lenient, parent);
    expect(retried.status).toBe(200);
    const familyId = (await domain.refreshTokens.findRefreshToken(parent))!.familyId;
    // The retry handed back the successor the lost answer committed: no second one was made.
    expect(await domain.refreshTokens.findRefreshToken(retried.body.refresh_token!)).toMatchObject({ familyId, rotatedAt: null });
    expect(await countTokens(familyId)).toBe(2);
    expect((await refresh(lenient, retried.body.refresh_token!)).status).toBe(200);
  });

  it('two presentations of the same token at once both get the same successor', async () => {
    const parent = await signIn(lenient);
    const [a, b] = await Promise.all([refresh(lenient, parent), refresh(lenient, parent)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refresh_token).toBe(b.body.refresh_token);
    expect(await familyRevoked(parent)).toBe(false);
  });

  const countTokens = async (familyId: string) => {
    const rows = (await t.server.orm.em
      .getConnection()
      .execute('select count(*)::int as n from refresh_tokens where family_id = ?', [familyId])) as { n: number }[];
    return rows[0]!.n;
  };
});
