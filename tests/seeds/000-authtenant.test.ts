/**
 * Seed 000 (AuthTenant external docs): POST /client/login and POST /token/revoke,
 * replayed with the document's field names and content types.
 */
import { ClientEntity } from '../../src/entities/client.entity';
import { createTestClient, type TestClient } from '../fixtures/token-clients';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

const FORM = 'application/x-www-form-urlencoded';

const decodeJwt = (token: string) => {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>,
  };
};

describe('seed 000: AuthTenant /client/login and /token/revoke', () => {
  let t: TestServer;
  let app: TestClient;
  let other: TestClient;

  /** The document's request: `Content-Type: application/x-www-form-urlencoded`, body client_id and password. */
  const login = (client_id: string, password: string) =>
    fetch(`${t.url}/client/login`, {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: new URLSearchParams({ client_id, password }).toString(),
    });
  const loginToken = async (client: TestClient): Promise<string> => {
    const res = await login(client.clientId, client.clientSecret!);
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  /** The document's revoke: header `Accesstoken`, form client_id and password. */
  const revoke = (client_id: string, password: string, accessToken?: string) =>
    fetch(`${t.url}/token/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': FORM, ...(accessToken === undefined ? {} : { Accesstoken: accessToken }) },
      body: new URLSearchParams({ client_id, password }).toString(),
    });
  const introspect = async (token: string) =>
    (await postForm(`${t.url}/introspect`, { token }, { authorization: basic(app.clientId, app.clientSecret!) })).body.active;
  const graphqlCode = async (token: string) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ tenants(first: 1) { totalCount } }' }),
    });
    const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
    return body.errors?.[0]?.extensions.code;
  };

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    app = await createTestClient(domain, '/', 'service', { clientId: 'riset.ai', allowedScopes: ['email'] });
    other = await createTestClient(domain, '/', 'service');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /client/login', () => {
    it('answers exactly {"access_token": "<RS256 JWT>"} as application/json, uncached', async () => {
      const res = await login('riset.ai', app.clientSecret!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['access_token']);
      expect(typeof body.access_token).toBe('string');
      expect(body.access_token).toMatch(/^eyJhbGciOiJSUzI1NiIs/);
      expect(decodeJwt(body.access_token as string).header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    });

    it('generates a new, active token on every request, with the claims of a client_credentials token', async () => {
      const [first, second] = [await loginToken(app), await loginToken(app)];
      expect(first).not.toBe(second);
      const viaToken = await postForm<{ access_token: string }>(
        `${t.url}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basic(app.clientId, app.clientSecret!) },
      );
      const standard = decodeJwt(viaToken.body.access_token).payload;
      const seed = decodeJwt(first).payload;
      expect(Object.keys(seed).sort()).toEqual(Object.keys(standard).sort());
      const stable = (claims: Record<string, unknown>) => ({ ...claims, jti: undefined, iat: undefined, exp: undefined });
      expect(stable(seed)).toEqual(stable(standard));
      expect(seed).toMatchObject({ sub: 'riset.ai', client_id: 'riset.ai', scope: 'email', tenant: '/', iss: t.issuer });
      expect(decodeJwt(second).payload.jti).not.toBe(seed.jti);
      expect(await introspect(first)).toBe(true);
      expect(await introspect(second)).toBe(true);
    });

    it('refuses a wrong password, an unknown client and a missing password with 401 invalid_client and a challenge', async () => {
      for (const res of [
        await login('riset.ai', 'not-the-secret-at-all'),
        await login('nobody', 'whatever-secret-value'),
        await login('riset.ai', ''),
      ]) {
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
        expect(await res.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      }
    });

    it('never accepts the stored secret digest as the password (the document’s "hashed-password")', async () => {
      const row = await t.server.orm.em.fork().findOneOrFail(ClientEntity, { clientId: 'riset.ai' }, { populate: ['secretDigest'] });
      expect(row.secretDigest).toEqual(expect.any(String));
      expect((await login('riset.ai', row.secretDigest!)).status).toBe(401);
    });

    it('accepts client_secret as an alias of password, but not two different secrets', async () => {
      const alias = await postForm(`${t.url}/client/login`, { client_id: 'riset.ai', client_secret: app.clientSecret! });
      expect(alias.status).toBe(200);
      const both = await postForm(`${t.url}/client/login`, {
        client_id: 'riset.ai',
        password: app.clientSecret!,
        client_secret: 'something-else-entirely',
      });
      expect(both.status).toBe(400);
      expect(both.body.error).toBe('invalid_request');
    });

    it('is also served under the documented base URL’s /oauth prefix', async () => {
      const res = await postForm(`${t.url}/oauth/client/login`, { client_id: 'riset.ai', password: app.clientSecret! });
      expect(res.status).toBe(200);
      const revoked = await postForm(
        `${t.url}/oauth/token/revoke`,
        { client_id: 'riset.ai', password: app.clientSecret! },
        { Accesstoken: res.body.access_token as string },
      );
      expect(revoked.body).toEqual({ status_message: 'Success Revoke Token' });
      expect(await introspect(res.body.access_token as string)).toBe(false);
    });

    it('refuses a body that is not form-encoded', async () => {
      const res = await fetch(`${t.url}/client/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'riset.ai', password: app.clientSecret }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    });
  });

  describe('POST /token/revoke', () => {
    it('answers {"status_message": "Success Revoke Token"} and blacklists the token on every path', async () => {
      const token = await loginToken(app);
      expect(await introspect(token)).toBe(true);
      expect(await graphqlCode(token)).toBe('FORBIDDEN');

      const res = await revoke('riset.ai', app.clientSecret!, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ status_message: 'Success Revoke Token' });

      expect(await introspect(token)).toBe(false);
      expect(await graphqlCode(token)).toBe('UNAUTHENTICATED');
      const userinfo = await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
      expect(userinfo.status).toBe(401);
      const api = await fetch(`${t.url}/api`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(api.status).toBe(401);
      // Revoking again is harmless (RFC 7009 §2.2).
      expect((await revoke('riset.ai', app.clientSecret!, token)).status).toBe(200);
    });

    it('tolerates a "Bearer " prefix in the Accesstoken header', async () => {
      const token = await loginToken(app);
      expect((await revoke('riset.ai', app.clientSecret!, `Bearer ${token}`)).status).toBe(200);
      expect(await introspect(token)).toBe(false);
    });

    it('refuses bad credentials with 401 and revokes nothing', async () => {
      const token = await loginToken(app);
      const res = await revoke('riset.ai', 'not-the-secret-at-all', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(await res.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      expect(await introspect(token)).toBe(true);
    });

    it('refuses a token of another client with 400 unauthorized_client and revokes nothing', async () => {
      const foreign = await loginToken(other);
      const res = await revoke('riset.ai', app.clientSecret!, foreign);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'unauthorized_client', error_description: expect.any(String) });
      const check = await postForm(
        `${t.url}/introspect`,
        { token: foreign },
        { authorization: basic(other.clientId, other.clientSecret!) },
      );
      expect(check.body.active).toBe(true);
    });

    it('refuses a missing or empty Accesstoken header with 400 invalid_request', async () => {
      for (const header of [undefined, '']) {
        const res = await revoke('riset.ai', app.clientSecret!, header);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('Accesstoken') });
      }
    });
  });
});
