'use strict';
// Crypto ceiling baseline: the most tokens/s (and password checks/s) this machine
// could issue if the server did nothing but crypto.
//  - jose SignJWT of an access-token-shaped JWT (RS256 / ES256 / EdDSA-Ed25519),
//    sequential await loop in this process (one signature in flight).
//  - @node-rs/argon2 verify() of an argon2id hash (m=19456 KiB, t=2, p=1),
//    sequentially and with 2 verifies in flight (argon2 runs on libuv threads).
// CPU time comes from process.cpuUsage() (user+system, all threads of the process).

const { randomUUID } = require('node:crypto');
const os = require('node:os');
const { SignJWT, generateKeyPair } = require('jose');
const argon2 = require('@node-rs/argon2');

const ISSUER = 'http://127.0.0.1:4000';
const WARMUP_MS = 200;

function cpuMicros(start) {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

// Run `op` until `durationMs` elapsed with `concurrency` awaits in flight.
async function timeLoop(op, durationMs, concurrency = 1) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(Math.round(durationMs * 1e6));
  let ops = 0;
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      await op();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  const cpuUs = cpuMicros(cpu0);
  return { ops, wallUs, cpuUs };
}

function round(n, d = 1) {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

async function measureSign(alg, durationMs) {
  const { privateKey } = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048 } : {});
  const kid = `bench-${alg}`;
  const sign = () => {
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: ISSUER,
      sub: 'bench-client',
      aud: ISSUER,
      client_id: 'bench-client',
      scope: 'read write',
      jti: randomUUID(),
      iat,
      exp: iat + 3600,
      tenant: '/bench',
    })
      .setProtectedHeader({ alg, typ: 'at+jwt', kid })
      .sign(privateKey);
  };
  await timeLoop(sign, WARMUP_MS);
  const { ops, wallUs, cpuUs } = await timeLoop(sign, durationMs);
  return {
    opsPerSec: round(ops / (wallUs / 1e6)),
    usPerOp: round(wallUs / ops),
    cpuUsPerOp: round(cpuUs / ops),
  };
}

async function measureArgon2(durationMs) {
  const password = 'bench-secret-0123456789abcdef';
  const hash = await argon2.hash(password, {
    algorithm: argon2.Algorithm.Argon2id, // 2
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  const verify = async () => {
    if (!(await argon2.verify(hash, password))) throw new Error('argon2 verify returned false');
  };
  await timeLoop(verify, WARMUP_MS);
  const seq = await timeLoop(verify, durationMs, 1);
  const conc = await timeLoop(verify, durationMs, 2);
  return {
    verifySequentialPerSec: round(seq.ops / (seq.wallUs / 1e6)),
    verifyConcurrent2PerSec: round(conc.ops / (conc.wallUs / 1e6)),
    cpuUsPerVerify: round(seq.cpuUs / seq.ops),
    cpuUsPerVerifyConcurrent2: round(conc.cpuUs / conc.ops),
  };
}

async function measureCryptoCeiling({ durationMs = 3000 } = {}) {
  const sign = {};
  for (const alg of ['RS256', 'ES256', 'EdDSA']) {
    sign[alg] = await measureSign(alg, durationMs);
  }
  const argon2Result = await measureArgon2(durationMs);
  return {
    sign,
    argon2: argon2Result,
    meta: {
      node: process.version,
      cpus: os.cpus().length,
      uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE) || 4,
      durationMs,
      loadavg1m: round(os.loadavg()[0], 2), // >~0.5 before a run means the numbers are contaminated
    },
  };
}

module.exports = { measureCryptoCeiling };

if (require.main === module) {
  const durationMs = Number(process.argv[2]) || undefined;
  measureCryptoCeiling({ durationMs })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
