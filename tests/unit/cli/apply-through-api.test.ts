import { applyThroughApi } from '../../../src/cli/apply-through-api';
import { CliError } from '../../../src/cli/cli-error';
import type { GrantCatalogue } from '../../../src/domain/grants/grant-registry';
import { resolveProvisioningText } from '../../../src/domain/provisioning/parse-provisioning-document';
import { emptyReport } from '../../../src/domain/provisioning/provisioning-plan';
import { GraphQLRequestError, type AdminSdk } from '../../../src/sdk/client';

const ANY_GRANT: GrantCatalogue = { grantTypes: [], declaration: (grantType) => ({ grantType, parameters: [], publicClients: true }) };

type Sent = { tenants: Record<string, unknown>[] };

/** An SDK whose applyProvisioning records each document and reports every tenant of it as created (or as `answer` says). */
function fakeSdk(answer?: (document: Sent, call: number) => void): { sdk: AdminSdk; sent: Sent[] } {
  const sent: Sent[] = [];
  const sdk = {
    applyProvisioning: ({ document }: { document: Sent }) => {
      sent.push(document);
      answer?.(document, sent.length - 1);
      const report = emptyReport();
      report.tenants.unchanged = document.tenants.length;
      return Promise.resolve({ applyProvisioning: { ...report, generatedSecrets: [] } });
    },
  } as unknown as AdminSdk;
  return { sdk, sent };
}

const resolve = (document: unknown, env: Record<string, string> = {}) => resolveProvisioningText(JSON.stringify(document), env, ANY_GRANT);

describe('tenant-idp apply: requests', () => {
  it('sends the resolved document parents first, at most 1,000 tenants a request', async () => {
    const tenants = [
      ...Array.from({ length: 2_400 }, (_, i) => ({
        path: `/many/t${i}`,
        clients: [{ clientId: `c-${i}`, name: 'C', clientSecret: '${S}' }],
      })),
      { path: '/many' },
    ];
    const { plan, document } = resolve({ $schema: 'x', tenants }, { S: 'a-client-secret-0123456789abcdef' });
    const { sdk, sent } = fakeSdk();
    const { report } = await applyThroughApi(sdk, plan, document);
    expect(sent.map((d) => d.tenants.length)).toEqual([1_000, 1_000, 401]);
    expect(sent[0]!.tenants[0]).toEqual({ path: '/many' });
    expect(sent[0]!.tenants[1]).toMatchObject({ path: '/many/t0', clients: [{ clientSecret: 'a-client-secret-0123456789abcdef' }] });
    expect(report.tenants.unchanged).toBe(2_401);
  });

  it('splits a tenant too large for one request by its entries, each piece with all its settings, counted once', async () => {
    const users = Array.from({ length: 3_000 }, (_, i) => ({
      username: `user${i}`,
      firstname: 'x'.repeat(80),
      email: `u${i}@example.com`,
    }));
    const { plan, document } = resolve({ tenants: [{ path: '/big', name: 'Big', allowSelfSignup: true, users }, { path: '/small' }] });
    const { sdk, sent } = fakeSdk();
    const { report } = await applyThroughApi(sdk, plan, document);
    expect(sent.length).toBeGreaterThan(1);
    for (const request of sent) expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThan(256 * 1024);
    const pieces = sent.flatMap((d) => d.tenants).filter((t) => t.path === '/big');
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece).toMatchObject({ name: 'Big', allowSelfSignup: true });
    expect(pieces.flatMap((piece) => piece.users as { username: string }[]).map((u) => u.username)).toEqual(users.map((u) => u.username));
    // Every request names a tenant once; the report counts /big and /small once each.
    for (const request of sent) expect(new Set(request.tenants.map((t) => t.path)).size).toBe(request.tenants.length);
    expect(report.tenants.unchanged).toBe(2);
  });

  it('names a refused entry by its place in the file, not in the request', async () => {
    const users = Array.from({ length: 3_000 }, (_, i) => ({ username: `user${i}`, firstname: 'x'.repeat(80) }));
    const { plan, document } = resolve({ tenants: [{ path: '/big/child' }, { path: '/big', users }] });
    const { sdk } = fakeSdk((_request, call) => {
      if (call === 0) return;
      // A later piece of /big (request 1 or 2): its first user refused, as the server names it within the request.
      throw new GraphQLRequestError(
        [{ message: 'tenants[0].users[0].username: taken; tenants[0].path: x', extensions: { code: 'CONFLICT' } }],
        200,
      );
    });
    const error = await applyThroughApi(sdk, plan, document).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('CONFLICT');
    expect((error as CliError).message).toMatch(/^tenants\[1\]\.users\[(\d+)\]\.username: taken; tenants\[1\]\.path: x$/);
    expect(Number(/users\[(\d+)\]/.exec((error as CliError).message)![1])).toBeGreaterThan(0);
  });
});
