import { emptyReport, type ProvisioningPlan, type ProvisioningReport } from '../domain/provisioning/provisioning-plan';
import { GraphQLRequestError, type AdminSdk } from '../sdk/client';
import { CliError, EXIT } from './cli-error';

export interface ApiApplyResult {
  report: ProvisioningReport;
  /** Secrets the server generated for clients created without one, shown once. */
  generatedSecrets: { clientId: string; clientSecret: string }[];
}

/** Most tenants per request: each request is one transaction of set-based reads and multi-row writes on the server. */
const MAX_TENANTS_PER_REQUEST = 1_000;
/**
 * Most bytes of document per request: the server reads GraphQL bodies of up to 256 KB (graphql-router.ts),
 * and the query and JSON envelope need a little room.
 */
const MAX_DOCUMENT_BYTES = 240_000;

/** The entry lists of a tenant, in the order the server applies them (APIs before the roles that grant them, …). */
const LISTS = ['apis', 'roles', 'clients', 'users', 'identityProviders'] as const;
type ListName = (typeof LISTS)[number];
type RawTenant = Record<string, unknown>;

/** A tenant of the file as sent in one request: all its settings, all its entries or a slice of them. */
interface Piece {
  /** Its index in the file's `tenants`. */
  index: number;
  /** Whether an earlier piece carries the same tenant (one too large for one request, split by its entries). */
  continued: boolean;
  body: RawTenant;
  /** Per list, the index in the file of the piece's first entry of it. */
  offsets: Partial<Record<ListName, number>>;
  bytes: number;
}

/**
 * Applies a validated file through the admin API's `applyProvisioning`, the server's own
 * PROVISION_FILE apply (set-based, one transaction per request), in requests of at most
 * {@link MAX_TENANTS_PER_REQUEST} tenants and {@link MAX_DOCUMENT_BYTES}, parents before
 * children. `document` is the file with its `${NAME}` references resolved (resolveProvisioningText),
 * `plan` what it says. A refusal names the entry by its path in the file; the requests before it
 * were applied, the refused one not at all. A tenant too large for one request is sent in several,
 * each with all its settings and a slice of its entries (counted once in the report).
 */
export async function applyThroughApi(sdk: AdminSdk, plan: ProvisioningPlan, document: { tenants: unknown[] }): Promise<ApiApplyResult> {
  const result: ApiApplyResult = { report: emptyReport(), generatedSecrets: [] };
  for (const chunk of requests(plan, document)) {
    let applied;
    try {
      applied = (await sdk.applyProvisioning({ document: { tenants: chunk.map((piece) => piece.body) } })).applyProvisioning;
    } catch (error) {
      if (error instanceof GraphQLRequestError)
        throw new CliError(EXIT.api, inFile(error.errors.map((e) => e.message).join('; '), chunk), error.code);
      throw error;
    }
    const { generatedSecrets, ...report } = applied;
    for (const kind of Object.keys(result.report) as (keyof ProvisioningReport)[]) {
      result.report[kind].created += report[kind].created;
      result.report[kind].updated += report[kind].updated;
      result.report[kind].unchanged += report[kind].unchanged;
    }
    // A tenant's later pieces find it as the first left it: it is counted once.
    result.report.tenants.unchanged -= chunk.filter((piece) => piece.continued).length;
    result.generatedSecrets.push(...generatedSecrets);
  }
  return result;
}

/** The file's tenants, parents first, as pieces grouped into requests. */
function requests(plan: ProvisioningPlan, document: { tenants: unknown[] }): Piece[][] {
  const order = plan.tenants.map((tenant, index) => ({ index, depth: depth(tenant.path) })).sort((a, b) => a.depth - b.depth);
  const chunks: Piece[][] = [];
  let chunk: Piece[] = [];
  let bytes = 0;
  for (const { index } of order) {
    for (const piece of piecesOf(document.tenants[index] as RawTenant, index)) {
      const full = chunk.length >= MAX_TENANTS_PER_REQUEST || bytes + piece.bytes > MAX_DOCUMENT_BYTES;
      // A document names each tenant once: a tenant's next piece goes in the next request.
      if (chunk.length > 0 && (full || piece.continued)) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(piece);
      bytes += piece.bytes + 1;
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** One piece for a tenant that fits in a request; else its settings with as many of its entries as fit, again and again. */
function piecesOf(tenant: RawTenant, index: number): Piece[] {
  const bytes = size(tenant);
  if (bytes <= MAX_DOCUMENT_BYTES) return [{ index, continued: false, body: tenant, offsets: {}, bytes }];
  const settings = Object.fromEntries(Object.entries(tenant).filter(([key]) => !(LISTS as readonly string[]).includes(key)));
  const pieces: Piece[] = [];
  let piece: Piece = { index, continued: false, body: { ...settings }, offsets: {}, bytes: size(settings) };
  for (const list of LISTS) {
    const entries = Array.isArray(tenant[list]) ? (tenant[list] as unknown[]) : [];
    for (const [i, entry] of entries.entries()) {
      const entryBytes = size(entry) + list.length + 4;
      if (piece.bytes + entryBytes > MAX_DOCUMENT_BYTES && Object.keys(piece.offsets).length > 0) {
        pieces.push(piece);
        piece = { index, continued: true, body: { ...settings }, offsets: {}, bytes: size(settings) };
      }
      if (!(list in piece.offsets)) {
        piece.offsets[list] = i;
        piece.body[list] = [];
      }
      (piece.body[list] as unknown[]).push(entry);
      piece.bytes += entryBytes;
    }
  }
  pieces.push(piece);
  return pieces;
}

/** `tenants[3].clients[0].redirectUris` of a request → the same entry's path in the file. */
function inFile(message: string, chunk: readonly Piece[]): string {
  return message.replace(/tenants\[(\d+)\](?:\.(apis|roles|clients|users|identityProviders)\[(\d+)\])?/g, (whole, k: string, list, i) => {
    const piece = chunk[Number(k)];
    if (!piece) return whole;
    const at = `tenants[${piece.index}]`;
    if (list === undefined) return at;
    return `${at}.${list}[${Number(i) + (piece.offsets[list as ListName] ?? 0)}]`;
  });
}

const size = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const depth = (path: string): number => (path === '/' ? 0 : path.split('/').length - 1);
