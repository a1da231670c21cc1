// A small software WebAuthn authenticator (ES256 on P-256, attestation `none`), written from the
// WebAuthn Level 2 formats independently of the server's library: it builds registration responses
// (attestationObject with attested credential data and a COSE key) and assertions (authenticatorData,
// clientDataJSON, DER signature over authenticatorData ‖ SHA-256(clientDataJSON)), as the browser's
// JSON (base64url fields). Every part can be bent to forge a bad one.
// Plain CommonJS so that the tests (tests/integration/passkeys.test.ts, through
// soft-authenticator.d.cts) and `npm run bench` (its passkeySignIn row) share this one implementation.
'use strict';

const { createHash, generateKeyPairSync, randomBytes, sign } = require('node:crypto');

/** The small part of CBOR (RFC 8949) that attestation objects and COSE keys need: integers, text, bytes, maps. */
function cbor(value) {
  const head = (major, length) => {
    if (length < 24) return Buffer.from([(major << 5) | length]);
    if (length < 256) return Buffer.from([(major << 5) | 24, length]);
    const out = Buffer.alloc(3);
    out[0] = (major << 5) | 25;
    out.writeUInt16BE(length, 1);
    return out;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64u = (bytes) => bytes.toString('base64url');
const sha256 = (data) => createHash('sha256').update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

class SoftAuthenticator {
  /** @param {import('./soft-authenticator.d.cts').SoftAuthenticatorOptions} options */
  constructor(options) {
    this.options = options;
    this.credentialId = randomBytes(32);
    this.keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.counter = options.counter ?? 0;
    this.userHandle = null;
  }

  get id() {
    return b64u(this.credentialId);
  }

  /** The response `navigator.credentials.create` would give for `creation` (PublicKeyCredentialCreationOptionsJSON). */
  register(creation, overrides = {}) {
    this.userHandle = creation.user.id;
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x, 'base64url')],
        [-3, Buffer.from(jwk.y, 'base64url')],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, coseKey]);
    const authData = this.authenticatorData(
      overrides.rpId ?? this.options.rpId,
      this.counter,
      FLAG_AT,
      this.options.userVerified ?? true,
      attested,
    );
    const clientData = JSON.stringify({
      type: 'webauthn.create',
      challenge: creation.challenge,
      origin: overrides.origin ?? this.options.origin,
      crossOrigin: false,
    });
    const attestationObject = cbor(
      new Map([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64u(Buffer.from(clientData)), attestationObject: b64u(attestationObject), transports: ['internal'] },
    });
  }

  /** The response `navigator.credentials.get` would give for `challenge`; the counter advances unless told otherwise. */
  assert(challenge, overrides = {}) {
    if (overrides.counter === undefined && this.options.counting !== false) this.counter += 1;
    const counter = overrides.counter ?? this.counter;
    const authData = this.authenticatorData(
      overrides.rpId ?? this.options.rpId,
      counter,
      0,
      overrides.userVerified ?? this.options.userVerified ?? true,
    );
    const clientData = Buffer.from(
      JSON.stringify({
        type: overrides.type ?? 'webauthn.get',
        challenge: overrides.challenge ?? challenge,
        origin: overrides.origin ?? this.options.origin,
        crossOrigin: false,
      }),
    );
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), overrides.signingKey ?? this.keys.privateKey);
    const handle = overrides.userHandle ?? this.userHandle;
    return JSON.stringify({
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(handle ? { userHandle: handle } : {}),
      },
    });
  }

  /** @private */
  authenticatorData(rpId, counter, extraFlags, userVerified, attested) {
    let flags = FLAG_UP | extraFlags | (userVerified ? FLAG_UV : 0);
    if (this.options.backupEligible) flags |= FLAG_BE | FLAG_BS;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter >>> 0);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' };
const decodeEntities = (text) => text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e) => ENTITIES[e]);

/** The passkey options and sealed challenge of the first `data-webauthn` form of a page. */
function passkeyFormOf(page) {
  const form = /<form method="post" action="([^"]+)" data-webauthn="[a-z]+" data-options="([^"]+)"/.exec(page);
  const ticket = /<input type="hidden" name="passkey_ticket" value="([^"]+)">/.exec(page);
  if (!form || !ticket) throw new Error('no passkey form on the page');
  return { action: decodeEntities(form[1]), options: JSON.parse(decodeEntities(form[2])), ticket: decodeEntities(ticket[1]) };
}

module.exports = { SoftAuthenticator, passkeyFormOf };
