import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { basic, postForm } from '../support/oauth';

describe('POST /token grant_type=client_credentials', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('issues an RFC 9068 JWT with client_secret_basic that verifies against the JWKS', async () => {
    const res = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'admin' });
    const token = res.body.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, { issuer: t.issuer, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: ADMIN_CLIENT_ID, client_id: ADMIN_CLIENT_ID, scope: 'admin', tenant: '/', aud: t.issuer });
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('accepts client_secret_post and serves /connect/token too', async () => {
    const res = await postForm(`${t.url}/connect/token`, {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
    });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('lowers the lifetime with access-token-lifetime but never raises it (seed 003)', async () => {
    const lower = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials', 'access-token-lifetime': '120' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(lower.body.expires_in).toBe(120);
    const higher = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials', 'access-token-lifetime': '999999' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(higher.body.expires_in).toBe(3600);
    const junk = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials', 'access-token-lifetime': 'soon' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(junk.status).toBe(400);
    expect(junk.body.error).toBe('invalid_request');
  });

  it('answers 401 invalid_client with WWW-Authenticate for a wrong secret or unknown client', async () => {
    for (const auth of [basic(ADMIN_CLIENT_ID, 'wrong-secret-wrong-secret'), basic('nobody', 'whatever-whatever-whatever')]) {
      const res = await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: auth });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    }
  });

  it('refuses missing client authentication, unknown grants, foreign scopes and bad bodies with RFC 6749 errors', async () => {
    const anonymous = await postForm(`${t.url}/token`, { grant_type: 'client_credentials' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');

    const unknownGrant = await postForm(
      `${t.url}/token`,
      { grant_type: 'urn:made:up' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(unknownGrant.status).toBe(400);
    expect(unknownGrant.body.error).toBe('unsupported_grant_type');

    const notAllowed = await postForm(
      `${t.url}/token`,
      { grant_type: 'password', username: 'a', password: 'b' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(notAllowed.status).toBe(400);
    expect(['unauthorized_client', 'unsupported_grant_type']).toContain(notAllowed.body.error);

    const scope = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials', scope: 'admin email' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(scope.status).toBe(400);
    expect(scope.body.error).toBe('invalid_scope');

    const missing = await postForm(`${t.url}/token`, {}, { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');

    const json = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });

    const repeated = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
      body: 'grant_type=client_credentials&scope=admin&scope=admin',
    });
    expect(repeated.status).toBe(400);
  });

  it('echoes a plain X-Request-Id, counts the request per route in /metrics and refuses oversized bodies', async () => {
    const res = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET), 'x-request-id': 'trace-123' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{method="POST",route="\/token",status="200"\} [1-9]/);
    const huge = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials', pad: 'x'.repeat(70_000) },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('invalid_request');
  });
});
