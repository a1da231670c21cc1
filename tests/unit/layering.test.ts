import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * docs/architecture.md "Layering: the one-way rule": src/domain stays transport-free, and
 * the ESLint `no-restricted-imports` rule in eslint.config.js is what holds it.
 */
const root = path.resolve(__dirname, '..', '..');
const RULE = 'no-restricted-imports';

interface LintRequest {
  files: string[];
  texts: { code: string; filePath: string }[];
}

interface LintOutcome {
  filePath: string;
  fatalErrorCount: number;
  messages: { ruleId: string | null; line: number; message: string }[];
}

/**
 * The ESLint Node API runs in a child process: ESLint loads eslint.config.js
 * and walks files with dynamic import(), which jest's CommonJS sandbox refuses
 * without --experimental-vm-modules. One process serves the whole file.
 */
const LINT_SCRIPT = `
const { ESLint } = require('eslint');
(async () => {
  const { files, texts } = JSON.parse(process.argv[1]);
  const eslint = new ESLint({ cwd: process.cwd() });
  const simplify = (results) => results.map(({ filePath, fatalErrorCount, messages }) => ({
    filePath, fatalErrorCount, messages: messages.map(({ ruleId, line, message }) => ({ ruleId, line, message })),
  }));
  const texted = [];
  for (const { code, filePath } of texts) texted.push(simplify(await eslint.lintText(code, { filePath }))[0]);
  process.stdout.write(JSON.stringify({ files: simplify(await eslint.lintFiles(files)), texts: texted }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

async function lint(request: LintRequest): Promise<{ files: LintOutcome[]; texts: LintOutcome[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', LINT_SCRIPT, JSON.stringify(request)], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as { files: LintOutcome[]; texts: LintOutcome[] };
}

const RESTRICTED = [
  "import express from 'express';",
  "import type { Request } from 'express';",
  "import { Router } from 'express/lib/router';",
  "import { GraphQLError } from 'graphql';",
  "import { Kind } from 'graphql/language';",
  "import { Resolver } from 'type-graphql';",
  "import { ApolloServer } from '@apollo/server';",
  "import { expressMiddleware } from '@as-integrations/express5';",
  "import pinoHttp from 'pino-http';",
  "import { tokenRouter } from '../oauth-rest/token.router';",
  "import { ClientResolver } from '../../resolvers/client.resolver';",
  "import { ClientType } from '../schema/types/client.type';",
  "import { buildAdminSchema } from '../graphql/build-schema';",
  "import type { GraphQLContext } from '../../graphql/graphql-context';",
  "import { signInPage } from '../pages/sign-in.page';",
  "import { metrics } from '../ops/metrics';",
  "import { ERROR_TABLE } from '../edge/error-table';",
  "import { createApp } from '../app';",
  "import { startServer } from '../server';",
];

const ALLOWED = [
  "import { errors } from './errors';",
  "import { defaults } from '../config/defaults';",
  "import type { ClientEntity } from '../entities/client.entity';",
  "import { ServerSecret } from './crypto/server-secret';",
  "import { SignJWT } from 'jose';",
  "import { randomBytes } from 'node:crypto';",
];

const EXPRESS = "import express from 'express';";
const OTHER_CASES = [
  { code: EXPRESS, filePath: 'src/domain/grants/x.grant.ts' },
  { code: EXPRESS, filePath: 'src/oauth-rest/x.router.ts' },
  { code: EXPRESS, filePath: 'src/data/x.repository.ts' },
  { code: "import { oauthErrorResponse } from '../oauth-rest/oauth-error-response';", filePath: 'src/data/x.repository.ts' },
];

describe('layering (src/domain is transport-free)', () => {
  let domain: LintOutcome[];
  const texts = new Map<string, LintOutcome>();

  beforeAll(async () => {
    const cases = [
      ...[...RESTRICTED, ...ALLOWED].map((code) => ({ code, filePath: 'src/domain/x.ts' })),
      ...OTHER_CASES,
    ];
    const outcome = await lint({ files: ['src/domain/**/*.ts', 'src/data/**/*.ts'], texts: cases });
    domain = outcome.files;
    cases.forEach((request, i) => texts.set(`${request.filePath} ${request.code}`, outcome.texts[i]!));
  }, 60_000);

  /** Layering messages only: other rules (e.g. no-unused-vars) may fire on these one-liners. */
  const restricted = (code: string, filePath = 'src/domain/x.ts') => {
    const outcome = texts.get(`${filePath} ${code}`)!;
    expect(outcome.fatalErrorCount).toBe(0);
    return outcome.messages.filter((message) => message.ruleId === RULE);
  };

  it('finds no restricted import anywhere in src/domain or src/data', () => {
    // Guard against a vacuous pass: the glob must reach the domain files, and each must parse.
    expect(domain.length).toBeGreaterThan(20);
    expect(domain.filter((result) => result.fatalErrorCount > 0).map((result) => result.filePath)).toEqual([]);
    const violations = domain.flatMap((result) =>
      result.messages
        .filter((message) => message.ruleId === RULE)
        .map((message) => `${path.relative(root, result.filePath)}:${message.line} ${message.message}`),
    );
    expect(violations).toEqual([]);
  });

  it.each(RESTRICTED)('reports `%s` in src/domain', (code) => {
    expect(restricted(code)).toHaveLength(1);
  });

  it('reports a transport import in a nested domain folder too', () => {
    expect(restricted(EXPRESS, 'src/domain/grants/x.grant.ts')).toHaveLength(1);
  });

  it.each(ALLOWED)('allows `%s` in src/domain', (code) => {
    expect(restricted(code)).toEqual([]);
  });

  it('holds the data layer (src/data) to the same rule', () => {
    expect(restricted(EXPRESS, 'src/data/x.repository.ts')).toHaveLength(1);
    expect(restricted("import { oauthErrorResponse } from '../oauth-rest/oauth-error-response';", 'src/data/x.repository.ts')).toHaveLength(1);
  });

  it('does not restrict the transport layers themselves', () => {
    expect(restricted(EXPRESS, 'src/oauth-rest/x.router.ts')).toEqual([]);
  });
});
