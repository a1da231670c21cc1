import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Domain } from '../composition/create-domain';
import { errors } from '../domain/errors';
import { scimError } from '../domain/scim/scim-errors';
import { resourceType, resourceTypes, schema, schemas, serviceProviderConfig } from '../domain/scim/scim-discovery';
import { SCIM_MAX_BODY_BYTES, SCIM_URN } from '../domain/scim/scim-schema';
import { scimList, type ScimCaller, type ScimListQuery } from '../domain/scim/scim.service';
import type { Tenant } from '../domain/tenants/tenant';
import { domainErrorOf } from '../edge/domain-error-of';
import { ERROR_TABLE, GENERIC_SERVER_ERROR, RETRY_AFTER_SECONDS } from '../edge/error-table';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import { requestIdOf } from '../ops/request-id';

/** RFC 7644 §3.1: the SCIM media type; `application/json` is accepted on requests too (§3.8). */
const SCIM_JSON = 'application/scim+json; charset=utf-8';
const ACCEPTED_TYPES = ['application/scim+json', 'application/json'];
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** RFC 7644 §3.12: the error body; `status` is a string. */
function sendError(res: Response, status: number, detail: string, scimType?: string, headers: Record<string, string> = {}): void {
  res
    .status(status)
    .set({ 'Content-Type': SCIM_JSON, 'Cache-Control': 'no-store', ...headers })
    .send(JSON.stringify({ schemas: [SCIM_URN.error], status: String(status), ...(scimType ? { scimType } : {}), detail }));
}

function send(res: Response, status: number, body: unknown, location?: string): void {
  res.status(status).set({ 'Content-Type': SCIM_JSON, 'Cache-Control': 'no-store', ...(location ? { Location: location } : {}) });
  if (body === undefined) res.end();
  else res.send(JSON.stringify(body));
}

/** Reads the JSON body itself (SCIM's media type, its own error shape): 415 for another type, 413 past the limit, invalidSyntax for bad JSON. */
async function readJson(req: Request): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.includes(type)) {
    throw Object.assign(new Error('unsupported media type'), { scimStatus: 415 });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > SCIM_MAX_BODY_BYTES) throw Object.assign(new Error('request body too large'), { scimStatus: 413 });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw scimError('invalidSyntax', 'the request body is not valid JSON');
  }
}

const queryOf = (req: Request): ScimListQuery => {
  const one = (name: string): string | undefined => {
    const value = req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw scimError('invalidValue', `${name} must be given once`);
    return value;
  };
  return { filter: one('filter'), startIndex: one('startIndex'), count: one('count'), excludedAttributes: one('excludedAttributes') };
};

/**
 * SCIM 2.0 (RFC 7644) at `{I}/scim/v2` of every issuer: `{ISSUER}/scim/v2` for the root tenant and
 * `{ISSUER}/t/{segment}/scim/v2` for each tenant, each authenticated by a SCIM token of that tenant
 * (src/domain/scim/scim-tokens.ts). Users, Groups (the tenant's roles), and the discovery resources
 * ServiceProviderConfig, ResourceTypes and Schemas. Answers and errors are `application/scim+json`;
 * errors are RFC 7644 §3.12 bodies (`status` a string, `scimType` for 400 and 409).
 */
export function scimRouter(domain: Domain, scopeFor: RequestScopeFactory, logger: Logger): Router {
  const outer = Router();
  const inner = Router({ mergeParams: true });

  type Handler = (req: Request, res: Response, caller: ScimCaller) => Promise<void>;
  const tenantOf = async (req: Request): Promise<Tenant> => {
    const segment = (req.params as { issuer?: string }).issuer;
    return segment === undefined ? domain.tenants.require('/') : domain.tenantIssuers.resolve(segment);
  };
  const handle =
    (handler: Handler) =>
    (req: Request, res: Response, next: NextFunction): void => {
      void (async () => {
        const tenant = await tenantOf(req);
        const baseUrl = `${domain.tenantIssuers.issuerOf(tenant.path)}/scim/v2`;
        const scope = scopeFor(req, (req as { id?: string }).id ?? requestIdOf(req));
        const header = req.headers.authorization;
        const presented = header ? (BEARER.exec(header)?.[1] ?? null) : null;
        const token = await domain.scimTokens.authenticate(tenant, presented).catch((error: unknown) => {
          domain.audit.record({
            action: 'scimAuthenticate',
            outcome: 'failure',
            tenantPath: tenant.path,
            actorKind: 'anonymous',
            clientIp: scope.clientIp,
            requestId: scope.requestId,
          });
          throw error;
        });
        await handler(req, res, { tenant, token, baseUrl, clientIp: scope.clientIp, requestId: scope.requestId });
      })().catch((error: unknown) => fail(res, error, next));
    };

  const fail = (res: Response, thrown: unknown, next: NextFunction): void => {
    if (res.headersSent) return next(thrown);
    const status = (thrown as { scimStatus?: number }).scimStatus;
    if (status === 415) return sendError(res, 415, `the request body must be ${ACCEPTED_TYPES.join(' or ')}`);
    if (status === 413)
      return sendError(res, 413, `the request body is larger than ${SCIM_MAX_BODY_BYTES} bytes`, undefined, { Connection: 'close' });
    const error = domainErrorOf(thrown);
    if (!error) {
      logger.error({ err: thrown }, 'SCIM request failed');
      return sendError(res, 500, GENERIC_SERVER_ERROR);
    }
    const mapped = ERROR_TABLE[error.code].status;
    if (error.code === 'service_unavailable') logger.error({ err: thrown }, 'SCIM request failed');
    const scimType =
      error.scimType ?? (error.code === 'validation_failed' ? 'invalidValue' : error.code === 'conflict' ? 'uniqueness' : undefined);
    const headers: Record<string, string> = {};
    if (mapped === 401) headers['WWW-Authenticate'] = presentedChallenge(res);
    if (mapped === 503) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
    sendError(res, mapped, error.description, mapped === 400 || mapped === 409 ? scimType : undefined, headers);
  };
  const presentedChallenge = (res: Response): string =>
    res.req.headers.authorization ? 'Bearer realm="scim", error="invalid_token"' : 'Bearer realm="scim"';

  // Discovery (RFC 7644 §4): authenticated like the rest (Okta and Entra ID send the token here too).
  inner.get(
    '/ServiceProviderConfig',
    handle(async (_req, res, caller) => send(res, 200, serviceProviderConfig(caller.baseUrl))),
  );
  inner.get(
    '/ResourceTypes',
    handle(async (_req, res, caller) => {
      const all = resourceTypes(caller.baseUrl);
      send(res, 200, scimList(all, all.length, 1));
    }),
  );
  inner.get(
    '/ResourceTypes/:id',
    handle(async (req, res, caller) => {
      const found = resourceType(caller.baseUrl, String(req.params.id));
      if (!found) throw errors.notFound('ResourceType');
      send(res, 200, found);
    }),
  );
  inner.get(
    '/Schemas',
    handle(async (_req, res, caller) => {
      const all = schemas(caller.baseUrl);
      send(res, 200, scimList(all, all.length, 1));
    }),
  );
  inner.get(
    '/Schemas/:id',
    handle(async (req, res, caller) => {
      const found = schema(caller.baseUrl, String(req.params.id));
      if (!found) throw errors.notFound('Schema');
      send(res, 200, found);
    }),
  );

  const scim = domain.scim;
  const id = (req: Request): string => String(req.params.id);
  const created = (res: Response, body: Record<string, unknown>) =>
    send(res, 201, body, (body.meta as { location?: string } | undefined)?.location);

  inner.post(
    '/Users',
    handle(async (req, res, caller) => created(res, await scim.createUser(caller, await readJson(req)))),
  );
  inner.get(
    '/Users',
    handle(async (req, res, caller) => send(res, 200, await scim.listUsers(caller, queryOf(req)))),
  );
  inner.get(
    '/Users/:id',
    handle(async (req, res, caller) => send(res, 200, await scim.getUser(caller, id(req)))),
  );
  inner.put(
    '/Users/:id',
    handle(async (req, res, caller) => send(res, 200, await scim.replaceUser(caller, id(req), await readJson(req)))),
  );
  inner.patch(
    '/Users/:id',
    handle(async (req, res, caller) => send(res, 200, await scim.patchUser(caller, id(req), await readJson(req)))),
  );
  inner.delete(
    '/Users/:id',
    handle(async (req, res, caller) => {
      await scim.deleteUser(caller, id(req));
      send(res, 204, undefined);
    }),
  );

  inner.post(
    '/Groups',
    handle(async (req, res, caller) => created(res, await scim.createGroup(caller, await readJson(req)))),
  );
  inner.get(
    '/Groups',
    handle(async (req, res, caller) => send(res, 200, await scim.listGroups(caller, queryOf(req)))),
  );
  inner.get(
    '/Groups/:id',
    handle(async (req, res, caller) => send(res, 200, await scim.getGroup(caller, id(req), queryOf(req)))),
  );
  inner.put(
    '/Groups/:id',
    handle(async (req, res, caller) => send(res, 200, await scim.replaceGroup(caller, id(req), await readJson(req)))),
  );
  inner.patch(
    '/Groups/:id',
    handle(async (req, res, caller) => send(res, 200, await scim.patchGroup(caller, id(req), await readJson(req)))),
  );
  inner.delete(
    '/Groups/:id',
    handle(async (req, res, caller) => {
      await scim.deleteGroup(caller, id(req));
      send(res, 204, undefined);
    }),
  );
  // Anything else below /scim/v2 is a SCIM 404 (after authentication, so nothing is learnt without a token).
  inner.use(
    handle(async () => {
      throw errors.notFound('SCIM endpoint');
    }),
  );

  outer.use('/scim/v2', inner);
  outer.use('/t/:issuer/scim/v2', inner);
  return outer;
}
