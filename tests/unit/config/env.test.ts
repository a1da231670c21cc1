import path from 'node:path';
import { parseEnv } from '../../../src/config/env';

/** base64 of `bytes` bytes. */
const key = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

/** The problems listed by parseEnv's error, one per "  - " line. */
function problemsOf(source: NodeJS.ProcessEnv): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message.split('\n').filter((line) => line.startsWith('  - '));
  }
  throw new Error('expected parseEnv to throw');
}

describe('parseEnv', () => {
  it('parses TRUST_PROXY as off, a hop count or a list of addresses and ranges', () => {
    expect(parseEnv({}).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(parseEnv({ TRUST_PROXY: '10.0.0.0/8, loopback,::1, fd00::/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([expect.stringMatching(/^  - TRUST_PROXY entry "true" is not an IP address/)]);
    expect(problemsOf({ TRUST_PROXY: '10.0.0.0/33,proxy.local' })).toHaveLength(2);
    expect(problemsOf({ TRUST_PROXY: '99' })).toEqual(['  - TRUST_PROXY hop count must be at most 32 (got 99)']);
  });

  it('resolves PROVISION_FILE and keeps the environment its ${NAME} references read', () => {
    const env = parseEnv({ PROVISION_FILE: 'provision.json', ACME_SECRET: 's3cret' });
    expect(env.provision?.file).toBe(path.resolve('provision.json'));
    expect(env.provision?.variables.ACME_SECRET).toBe('s3cret');
    expect(Object.isFrozen(env.provision?.variables)).toBe(true);
    expect(parseEnv({}).provision).toBeUndefined();
  });

  it('fills every default from an empty environment', () => {
    expect(parseEnv({})).toEqual({
      port: 4000,
      host: '127.0.0.1',
      issuer: 'http://localhost:4000',
      databaseUrl: undefined,
      dataDir: path.resolve('./.data'),
      embeddedPostgresDir: '/var/lib/tenant-idp',
      adminClientId: 'admin',
      adminClientSecret: undefined,
      workers: 1,
      logLevel: 'info',
      secretKey: undefined,
      secretKeysLost: [],
      trustProxy: false,
      outboundAllowCidrs: [],
      provision: undefined,
      auditRetentionDays: 90,
      dpopRequireNonce: false,
      smtpFrom: 'no-reply@localhost',
      webhookRetryFirstMs: 5000,
    });
  });

  it('parses TRUST_PROXY as off, a hop count or a list of addresses and ranges', () => {
    expect(parseEnv({}).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(parseEnv({ TRUST_PROXY: '10.0.0.0/8, loopback,::1, fd00::/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
  });

  it.each(['99', 'true', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/1'])('refuses TRUST_PROXY=%s', (value) => {
    expect(problemsOf({ TRUST_PROXY: value })).toEqual([expect.stringContaining('TRUST_PROXY')]);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(parseEnv({}))).toBe(true);
  });

  it('reads the given source, not process.env', () => {
    const saved = process.env.PORT;
    process.env.PORT = '5555';
    try {
      expect(parseEnv({}).port).toBe(4000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it('parses supplied values', () => {
    const secretKey = key(32);
    expect(
      parseEnv({
        PORT: '8080',
        HOST: '0.0.0.0',
        ISSUER: 'https://idp.example.com',
        DATABASE_URL: 'postgres://u:p@db/idp',
        DATA_DIR: '/var/lib/idp',
        EMBEDDED_POSTGRES_DIR: '/srv/idp-runtime',
        ADMIN_CLIENT_ID: 'root',
        ADMIN_CLIENT_SECRET: `${'a'.repeat(19)}b`,
        WORKERS: '4',
        LOG_LEVEL: 'debug',
        SECRET_KEY: secretKey,
        TRUST_PROXY: '1',
        AUDIT_RETENTION_DAYS: '30',
        DPOP_REQUIRE_NONCE: 'true',
        OUTBOUND_ALLOW_CIDRS: '10.20.0.0/16, fd12::/16',
      }),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      issuer: 'https://idp.example.com',
      databaseUrl: 'postgres://u:p@db/idp',
      dataDir: '/var/lib/idp',
      embeddedPostgresDir: '/srv/idp-runtime',
      adminClientId: 'root',
      adminClientSecret: `${'a'.repeat(19)}b`,
      workers: 4,
      logLevel: 'debug',
      secretKey,
      secretKeysLost: [],
      trustProxy: 1,
      outboundAllowCidrs: ['10.20.0.0/16', 'fd12::/16'],
      provision: undefined,
      auditRetentionDays: 30,
      dpopRequireNonce: true,
      smtpFrom: 'no-reply@idp.example.com',
      webhookRetryFirstMs: 5000,
    });
  });

  it('refuses a DPOP_REQUIRE_NONCE that is not a boolean', () => {
    expect(() => parseEnv({ DPOP_REQUIRE_NONCE: 'yes' })).toThrow(/DPOP_REQUIRE_NONCE must be true or false/);
    expect(parseEnv({ DPOP_REQUIRE_NONCE: '0' }).dpopRequireNonce).toBe(false);
  });

  it('refuses an OUTBOUND_ALLOW_CIDRS entry that is no range', () => {
    expect(problemsOf({ OUTBOUND_ALLOW_CIDRS: '10.0.0.0/8, internal' })).toEqual([
      '  - OUTBOUND_ALLOW_CIDRS entry "internal" is not an IP address or CIDR range',
    ]);
  });

  it('derives the default issuer from PORT', () => {
    expect(parseEnv({ PORT: '9000' }).issuer).toBe('http://localhost:9000');
  });

  it('treats empty strings as unset', () => {
    const env = parseEnv({ PORT: '', WORKERS: '', LOG_LEVEL: '', ISSUER: '', SECRET_KEY: '', ADMIN_CLIENT_SECRET: '', DATABASE_URL: '' });
    expect(env).toMatchObject({ port: 4000, workers: 1, logLevel: 'info', issuer: 'http://localhost:4000' });
    expect(env.secretKey).toBeUndefined();
    expect(env.adminClientSecret).toBeUndefined();
    expect(env.databaseUrl).toBeUndefined();
  });

  it.each([
    ['https://idp.example.com/', 'https://idp.example.com'],
    ['https://idp.example.com///', 'https://idp.example.com'],
    ['https://example.com/idp/', 'https://example.com/idp'],
  ])('trims the trailing slash of ISSUER %s', (issuer, expected) => {
    expect(parseEnv({ ISSUER: issuer }).issuer).toBe(expected);
  });

  it('reads ADMIN_USERNAME / ADMIN_PASSWORD and refuses a short password or a password without a username', () => {
    expect(parseEnv({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'long-enough' })).toMatchObject({
      adminUsername: 'ops',
      adminPassword: 'long-enough',
    });
    expect(parseEnv({ ADMIN_USERNAME: 'ops' }).adminPassword).toBeUndefined();
    expect(problemsOf({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'short' })).toEqual(['  - ADMIN_PASSWORD must be at least 8 characters']);
    expect(problemsOf({ ADMIN_PASSWORD: 'long-enough' })).toEqual(['  - ADMIN_PASSWORD needs ADMIN_USERNAME']);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      WORKERS: '0',
      LOG_LEVEL: 'loud',
      ISSUER: 'not a url',
      SECRET_KEY: key(16),
      ADMIN_CLIENT_SECRET: 'too-short',
    });
    expect(problems).toHaveLength(6);
    for (const name of ['PORT', 'WORKERS', 'LOG_LEVEL', 'ISSUER', 'SECRET_KEY', 'ADMIN_CLIENT_SECRET']) {
      expect(problems.filter((problem) => problem.includes(`${name} `))).toHaveLength(1);
    }
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['WORKERS', '65'],
    ['ISSUER', 'https://idp.example.com?tenant=a'],
    ['ISSUER', 'https://idp.example.com#x'],
  ])('refuses %s=%s', (name, value) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringContaining(name)]);
  });

  it('refuses a SECRET_KEY shorter than 32 bytes and accepts 32', () => {
    expect(problemsOf({ SECRET_KEY: key(31) })).toEqual([expect.stringContaining('SECRET_KEY')]);
    expect(parseEnv({ SECRET_KEY: key(32) }).secretKey).toBe(key(32));
  });

  it('takes SECRET_KEYS as a keyring, newest first, and refuses short or repeated keys or SECRET_KEY beside it', () => {
    const other = Buffer.alloc(32, 9).toString('base64');
    expect(parseEnv({ SECRET_KEYS: `${key(32)}, ${other}` }).secretKeys).toEqual([key(32), other]);
    expect(problemsOf({ SECRET_KEYS: `${key(32)},${key(31)}` })).toEqual([expect.stringContaining('SECRET_KEYS entry 2')]);
    expect(problemsOf({ SECRET_KEYS: `${key(32)},${key(32)}` })).toEqual([expect.stringContaining('twice')]);
    expect(problemsOf({ SECRET_KEYS: key(32), SECRET_KEY: other })).toEqual([expect.stringContaining('not both')]);
  });

  it('refuses an ADMIN_CLIENT_SECRET shorter than 20 characters and accepts 20', () => {
    expect(problemsOf({ ADMIN_CLIENT_SECRET: 'x'.repeat(19) })).toEqual([expect.stringContaining('ADMIN_CLIENT_SECRET')]);
    expect(parseEnv({ ADMIN_CLIENT_SECRET: `${'x'.repeat(19)}y` }).adminClientSecret).toBe(`${'x'.repeat(19)}y`);
    expect(problemsOf({ ADMIN_CLIENT_SECRET: 'x'.repeat(20) })).toEqual([expect.stringContaining('one character repeated')]);
  });

  it('checks SMTP_URL and SMTP_FROM', () => {
    expect(parseEnv({ SMTP_URL: 'smtp://mail.example.com:587', SMTP_FROM: 'IdP <idp@example.com>' })).toMatchObject({
      smtpUrl: 'smtp://mail.example.com:587',
      smtpFrom: 'IdP <idp@example.com>',
    });
    expect(() => parseEnv({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL must be an smtp: or smtps: URL/);
    expect(() => parseEnv({ SMTP_FROM: 'not an address' })).toThrow(/SMTP_FROM must be an email address/);
  });
});
