'use strict';
// Peer baseline: node-oidc-provider v9 (in-memory adapter) issuing RS256 JWT access
// tokens via client_credentials on 127.0.0.1. The benchmark runner drives its token
// endpoint with the same load as our server to get a "well-known implementation" reference.
// Run directly for a self-check (one token request + a short autocannon run).

const http = require('node:http');
const { generateKeyPair, exportJWK } = require('jose');

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'bench-secret-0123456789abcdef';
const RESOURCE = 'urn:bench:api';

// oidc-provider prints "oidc-provider WARNING/NOTICE: ..." via console.warn/info
// (unsupported runtime on Node 20, in-memory adapter, ...). Drop only those lines.
function quietOidcProvider(fn) {
  const { warn, info } = console;
  const filter =
    (orig) =>
    (...args) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider ')) return;
      orig.apply(console, args);
    };
  console.warn = filter(warn);
  console.info = filter(info);
  const restore = () => {
    console.warn = warn;
    console.info = info;
  };
  try {
    const out = fn();
    if (out && typeof out.then === 'function') return out.finally(restore);
    restore();
    return out;
  } catch (err) {
    restore();
    throw err;
  }
}

function loadProviderClass() {
  try {
    return Promise.resolve(require('oidc-provider').Provider); // require(esm), Node >= 20.19
  } catch (err) {
    if (err.code !== 'ERR_REQUIRE_ESM' && err.code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    return import('oidc-provider').then((m) => m.Provider);
  }
}

async function startOidcProviderPeer({ port = 0 } = {}) {
  const Provider = await quietOidcProvider(loadProviderClass);

  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'peer-rs256', alg: 'RS256', use: 'sig' };

  // Listen first: the issuer must contain the real port.
  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;

  const provider = quietOidcProvider(
    () =>
      new Provider(url, {
        jwks: { keys: [jwk] },
        clients: [
          {
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            grant_types: ['client_credentials'],
            redirect_uris: [],
            response_types: [],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        scopes: ['read', 'write'],
        features: {
          devInteractions: { enabled: false },
          clientCredentials: { enabled: true },
          resourceIndicators: {
            enabled: true,
            defaultResource: () => RESOURCE,
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
              scope: 'read write',
              accessTokenFormat: 'jwt',
              accessTokenTTL: 3600,
              jwt: { sign: { alg: 'RS256' } },
            }),
          },
        },
        // Explicit TTLs so the defaults don't print "you SHOULD change it" notices mid-run.
        ttl: {
          AccessToken: 3600,
          ClientCredentials: 3600,
        },
      }),
  );
  provider.silent = true; // Koa: don't console.error on 5xx

  server.on('request', provider.callback());

  let closed;
  return {
    url,
    tokenPath: '/token',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    close() {
      closed ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

// Same peer in a child process, so a load generator in the calling process does not
// share the peer's event loop (closer to how our own server is benchmarked).
// Returns the same shape; close() stops the child.
async function forkOidcProviderPeer({ port = 0 } = {}) {
  const { fork } = require('node:child_process');
  const child = fork(__filename, [], {
    env: { ...process.env, OIDC_PEER_CHILD: '1', OIDC_PEER_PORT: String(port) },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    exited.then((code) => reject(new Error(`oidc-provider peer child exited with ${code}`)));
  });
  return {
    ...info,
    pid: child.pid,
    close() {
      if (child.exitCode === null && child.connected) child.send('close');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      return exited.then(() => clearTimeout(timer));
    },
  };
}

module.exports = { forkOidcProviderPeer };

// ---------------------------------------------------------------- self-check
async function selfCheck() {
  const assert = require('node:assert/strict');
  const autocannon = require('autocannon');

  const peer = await startOidcProviderPeer();
  try {
    const headers = {
      authorization: `Basic ${Buffer.from(`${peer.clientId}:${peer.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const body = 'grant_type=client_credentials&scope=read';
    const tokenUrl = peer.url + peer.tokenPath;

    const res = await fetch(tokenUrl, { method: 'POST', headers, body });
    const json = await res.json();
    console.log('token response', res.status, JSON.stringify(json, null, 2));
    assert.equal(res.status, 200);
    const parts = json.access_token.split('.');
    assert.equal(parts.length, 3, 'access_token is not a JWS');
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    console.log('jwt header', header, '\njwt payload', payload);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.typ, 'at+jwt');

    const load = async (label, target) => {
      const t0 = performance.now();
      const result = await autocannon({
        url: target,
        method: 'POST',
        headers,
        body,
        connections: 10,
        amount: 2000,
      });
      const wallS = (performance.now() - t0) / 1000; // autocannon's own duration is coarse
      console.log(`autocannon ${label} (connections 10, amount 2000)`, {
        '2xx': result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        reqPerSec: Math.round(result.requests.total / wallS),
        latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
      });
      assert.equal(result.non2xx, 0, 'non-2xx responses under load');
      assert.equal(result.errors + result.timeouts, 0, 'socket errors/timeouts under load');
      assert.equal(result['2xx'], 2000);
    };
    await load('in-process peer', tokenUrl);

    const forked = await forkOidcProviderPeer();
    try {
      await load('forked peer', forked.url + forked.tokenPath);
    } finally {
      await forked.close();
    }
    console.log('OK');
  } finally {
    await peer.close();
  }
}

if (require.main === module && process.env.OIDC_PEER_CHILD === '1') {
  startOidcProviderPeer({ port: Number(process.env.OIDC_PEER_PORT) || 0 }).then(
    (peer) => {
      const { close, ...info } = peer;
      process.send(info);
      const stop = () => close().then(() => process.exit(0));
      process.on('message', (m) => {
        if (m === 'close') stop();
      });
      process.on('disconnect', stop);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  selfCheck().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
