// An upstream OpenID Provider for federation tests: node-oidc-provider (ESM, so it runs in its
// own process, outside jest's CommonJS transform) on 127.0.0.1, with a tiny login interaction of
// its own (a form asking for the account name; any known account signs in) and automatic
// consent. Configured by UPSTREAM_OP (JSON: { clients, accounts, jwks?, features? }: its signing keys
// when the test must sign tokens as the upstream, and features such as backchannelLogout); prints `READY <issuer>`.
import http from 'node:http';
import Provider from 'oidc-provider';

const { clients, accounts, jwks, features } = JSON.parse(process.env.UPSTREAM_OP ?? '{}');
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username', 'given_name', 'family_name'] },
  findAccount: async (_ctx, id) => (accounts[id] ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined),
  features: { devInteractions: { enabled: false }, ...features },
  ...(jwks ? { jwks } : {}),
  // Its back-channel logout POSTs go to the server under test on 127.0.0.1, which its SSRF guard (a dispatcher) refuses.
  fetch: (url, { dispatcher: _loopbackAllowed, ...options }) => globalThis.fetch(url, options),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['upstream-op-test-cookie-key'] },
  conformIdTokenClaims: false,
});

const page = (body) =>
  `<!doctype html><html><head><title>Upstream OP</title></head><body style="font:16px system-ui;padding:40px">${body}</body></html>`;

server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    if (!match) return provider.callback()(req, res);
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(
        page(`<h1>Upstream sign-in</h1><form method="post" action="/interaction/${details.uid}/login">
<label>Account <input name="login" autofocus></label> <button type="submit">Continue</button></form>`),
      );
    }
    if (details.prompt.name === 'login') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const login = new URLSearchParams(Buffer.concat(chunks).toString()).get('login');
      if (!accounts[login]) {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(page('<h1>Unknown account</h1>'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: login, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    }
    // Consent: granted at once, for what was asked.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
    if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error?.message ?? error));
  }
});

process.stdout.write(`READY ${issuer}\n`);
provider.on('backchannel.error', (_ctx, err) => process.stderr.write(`backchannel.error ${err?.message} ${err?.cause?.message ?? ''}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
