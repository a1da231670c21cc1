import { isIP } from 'node:net';
import path from 'node:path';
import { secretWeakness } from '../domain/clients/client-secret';
import { parseCidr } from '../domain/outbound/outbound-policy';

/** A hop count (the nearest N proxies) or a list of proxy addresses, CIDR ranges and proxy-addr range names. */
export type TrustProxy = false | number | readonly string[];

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Typed, frozen view of the process environment. Nothing else reads process.env. */
export interface Env {
  readonly port: number;
  readonly host: string;
  readonly issuer: string;
  readonly databaseUrl?: string;
  /**
   * A direct connection for what a transaction-pooling proxy (PgBouncer) cannot carry: the change
   * bus's LISTEN and migrations. When set, `databaseUrl` is taken to be such a proxy and no named
   * prepared statement is used on it.
   */
  readonly databaseDirectUrl?: string;
  readonly dataDir: string;
  /** As root only: where embedded PostgreSQL's binaries and unreachable clusters go (docs/operations.md, "Where the embedded PostgreSQL lives"). */
  readonly embeddedPostgresDir: string;
  readonly adminClientId: string;
  readonly adminClientSecret?: string;
  /** ADMIN_USERNAME / ADMIN_PASSWORD: the first human admin of `/`, created when missing. */
  readonly adminUsername?: string;
  readonly adminPassword?: string;
  readonly workers: number;
  readonly logLevel: string;
  readonly secretKey?: string;
  /** SECRET_KEYS: the keyring, base64 secrets newest first (the newest seals and keys new values); unset: SECRET_KEY alone. */
  readonly secretKeys?: readonly string[];
  /** SECRET_KEYS_LOST: key ids of keys that are gone for good: values sealed under them no longer stop the start (they fail at use). */
  readonly secretKeysLost: readonly string[];
  /** TRUST_PROXY: which proxies' X-Forwarded-For the client IP is taken from; false: the socket address. */
  readonly trustProxy: TrustProxy;
  /** OUTBOUND_ALLOW_CIDRS: comma-separated CIDR ranges the server's own requests (a client's jwks_uri) may reach although private. */
  readonly outboundAllowCidrs: readonly string[];
  /** Days audit events are kept before the janitor deletes them. */
  readonly auditRetentionDays: number;
  /** WEBHOOK_RETRY_FIRST_MS: the first retry delay of a webhook delivery, doubled per attempt up to an hour (default 5000). */
  readonly webhookRetryFirstMs: number;
  /** PROVISION_FILE, applied at start-up, with the variables its `${NAME}` references may use. */
  readonly provision?: ProvisionSource;
  /** SMTP_URL: the mail server of the email flows (password reset); unset: every email flow is off. */
  readonly smtpUrl?: string;
  /** SMTP_FROM: the sender address of the server's mail (default `no-reply@` the issuer's host). */
  readonly smtpFrom: string;
  /** DPOP_REQUIRE_NONCE (`true`/`false`): every DPoP proof must carry a server nonce (RFC 9449 §8). */
  readonly dpopRequireNonce: boolean;
}

export interface ProvisionSource {
  readonly file: string;
  readonly variables: Readonly<Record<string, string | undefined>>;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parses an environment, failing fast with every problem listed at once. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = source[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const port = int('PORT', 4000, 0, 65535);
  const workers = int('WORKERS', 1, 1, 64);
  const auditRetentionDays = int('AUDIT_RETENTION_DAYS', 90, 1, 3650);
  const webhookRetryFirstMs = int('WEBHOOK_RETRY_FIRST_MS', 5_000, 10, 3_600_000);
  const logLevel = source.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const issuer = (source.ISSUER || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const url = new URL(issuer);
    if (url.search || url.hash) problems.push('ISSUER must not have a query or fragment');
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    // OIDC Discovery §3 / RFC 8414 §2: https, with plain http tolerated for loopback development.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      problems.push(`ISSUER must be an https URL (http only for localhost); got "${issuer}"`);
    }
  } catch {
    problems.push(`ISSUER must be an absolute URL (got "${issuer}")`);
  }
  const secretKey = source.SECRET_KEY || undefined;
  if (secretKey !== undefined && Buffer.from(secretKey, 'base64').length < 32) {
    problems.push('SECRET_KEY must be base64 of at least 32 bytes');
  }
  const secretKeys = source.SECRET_KEYS ? source.SECRET_KEYS.split(',').map((entry) => entry.trim()) : undefined;
  if (secretKeys !== undefined) {
    if (secretKey !== undefined) problems.push('set SECRET_KEYS (newest first) or SECRET_KEY, not both');
    secretKeys.forEach((entry, i) => {
      if (Buffer.from(entry, 'base64').length < 32) problems.push(`SECRET_KEYS entry ${i + 1} must be base64 of at least 32 bytes`);
    });
    if (new Set(secretKeys).size !== secretKeys.length) problems.push('SECRET_KEYS must not name a key twice');
  }
  const adminClientSecret = source.ADMIN_CLIENT_SECRET || undefined;
  const weakness = adminClientSecret === undefined ? null : secretWeakness(adminClientSecret);
  if (weakness) problems.push(`ADMIN_CLIENT_SECRET ${weakness}`);
  const adminUsername = source.ADMIN_USERNAME || undefined;
  const adminPassword = source.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && !adminUsername) problems.push('ADMIN_PASSWORD needs ADMIN_USERNAME');
  if (adminPassword !== undefined && [...adminPassword.normalize('NFKC')].length < 8)
    problems.push('ADMIN_PASSWORD must be at least 8 characters');
  const trustProxy = parseTrustProxy(source.TRUST_PROXY, problems);
  const dpopNonce = source.DPOP_REQUIRE_NONCE || 'false';
  if (!['true', 'false', '1', '0'].includes(dpopNonce)) problems.push('DPOP_REQUIRE_NONCE must be true or false');
  const outboundAllowCidrs = (source.OUTBOUND_ALLOW_CIDRS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const entry of outboundAllowCidrs) {
    if (!parseCidr(entry)) problems.push(`OUTBOUND_ALLOW_CIDRS entry "${entry}" is not an IP address or CIDR range`);
  }
  const databaseDirectUrl = source.DATABASE_DIRECT_URL || undefined;
  if (databaseDirectUrl !== undefined && !source.DATABASE_URL)
    problems.push('DATABASE_DIRECT_URL needs DATABASE_URL (the pooled connection)');
  const smtpUrl = source.SMTP_URL || undefined;
  if (smtpUrl !== undefined) {
    try {
      const protocol = new URL(smtpUrl).protocol;
      if (protocol !== 'smtp:' && protocol !== 'smtps:') problems.push(`SMTP_URL must be an smtp: or smtps: URL (got "${protocol}")`);
    } catch {
      problems.push('SMTP_URL must be a URL such as smtp://user:password@mail.example.com:587');
    }
  }
  let smtpFrom = source.SMTP_FROM || '';
  if (smtpFrom === '') {
    try {
      smtpFrom = `no-reply@${new URL(issuer).hostname}`;
    } catch {
      smtpFrom = 'no-reply@localhost';
    }
  } else if (!/^[^\s@<>]+@[^\s@<>]+$|^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(smtpFrom)) {
    problems.push('SMTP_FROM must be an email address, optionally as "Name <address>"');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return Object.freeze({
    port,
    host: source.HOST || '127.0.0.1',
    issuer,
    databaseUrl: source.DATABASE_URL || undefined,
    databaseDirectUrl,
    dataDir: path.resolve(source.DATA_DIR || './.data'),
    embeddedPostgresDir: path.resolve(source.EMBEDDED_POSTGRES_DIR || '/var/lib/tenant-idp'),
    adminClientId: source.ADMIN_CLIENT_ID || 'admin',
    adminClientSecret,
    adminUsername,
    adminPassword,
    workers,
    logLevel,
    secretKey,
    ...(secretKeys === undefined ? {} : { secretKeys: Object.freeze(secretKeys) }),
    secretKeysLost: Object.freeze(
      (source.SECRET_KEYS_LOST ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    ),
    trustProxy,
    outboundAllowCidrs: Object.freeze(outboundAllowCidrs),
    auditRetentionDays,
    webhookRetryFirstMs,
    smtpUrl,
    smtpFrom,
    dpopRequireNonce: dpopNonce === 'true' || dpopNonce === '1',
    provision: source.PROVISION_FILE
      ? Object.freeze({ file: path.resolve(source.PROVISION_FILE), variables: Object.freeze({ ...source }) })
      : undefined,
  });
}

/** TRUST_PROXY: unset, `false` or `0` (off); a hop count; or a comma-separated list of IPs, CIDR ranges and range names. */
function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 32) problems.push(`TRUST_PROXY hop count must be at most 32 (got ${hops})`);
    return hops;
  }
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.includes(entry)) continue;
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
    if (!family || rest.length > 0 || !validBits) {
      problems.push(
        `TRUST_PROXY entry "${entry}" is not an IP address, a CIDR range or one of ${PROXY_RANGE_NAMES.join(', ')} (or give a hop count)`,
      );
    }
  }
  return Object.freeze(entries);
}
