import { createTestClient } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { startTestServer, type TestServer } from '../support/test-server';

describe('consents (data layer)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores scopes as one text[] parameter: merged, each once, never parsed out of a literal', async () => {
    const { domain } = t.server.app;
    const { user } = await createTestUser(domain);
    const client = await createTestClient(domain, '/', 'public');
    const root = await domain.tenants.require('/');
    // Characters that would break (or inject into) a hand-built '{"a","b"}' literal.
    const awkward = ['openid', 'a,b', 'q"uote', 'back\\slash', '{brace}'];
    await domain.consents.grant(root.id, user.id, client.clientId, awkward);
    await domain.consents.grant(root.id, user.id, client.clientId, ['email', 'openid']);
    expect((await domain.consents.grantedScopes(user.id, client.clientId)).sort()).toEqual([...awkward, 'email'].sort());
    await domain.consents.revoke(user.id, client.clientId);
    expect(await domain.consents.grantedScopes(user.id, client.clientId)).toEqual([]);
  });
});
