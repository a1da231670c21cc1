import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * docs/architecture.md "Layering: the one-way rule": src/domain stays transport-free and never
 * reaches the composition root (src/composition, which builds it from src/domain and src/data),
 * and the ESLint `no-restricted-imports` rule in eslint.config.js is what holds it.
 * The domain also owns its ports: `@typescript-eslint/no-restricted-imports`
 * keeps src/data, src/entities and MikroORM out of every file of it (an error).
 */
const root = path.resolve(__dirname, '..', '..');
const RULE = 'no-restricted-imports';
const PORTS_RULE = '@typescript-eslint/no-restricted-imports';

interface LintRequest {
  files: string[];
  texts: { code: string; filePath: string }[];
}

interface LintOutcome {
  filePath: string;
  fatalErrorCount: number;
  messages: { ruleId: string | null; severity: number; line: number; message: string }[];
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
    filePath, fatalErrorCount, messages: messages.map(({ ruleId, severity, line, message }) => ({ ruleId, severity, line, message })),
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
  // The composition root builds the domain: the domain never reaches back into it.
  "import { createDomain } from '../composition/create-domain';",
  "import type { Domain } from '../../composition/create-domain';",
  "import { bootstrap } from '../composition/bootstrap';",
];

const ALLOWED = [
  "import { errors } from './errors';",
  "import { defaults } from '../config/defaults';",
  "import type { ClientEntity } from '../entities/client.entity';",
  "import { ServerSecret } from './crypto/server-secret';",
  "import { SignJWT } from 'jose';",
  "import { randomBytes } from 'node:crypto';",
];

/** Imports the domain's ports rule reports: the data layer, entities, the ORM. */
const PORTS_RESTRICTED = [
  "import type { RefreshTokenRepository } from '../../data/refresh-token.repository';",
  "import { userFromRow } from '../data/user-row';",
  "import type { ClientEntity } from '../entities/client.entity';",
  "import type { EntityManager } from '@mikro-orm/postgresql';",
  "import { UniqueConstraintViolationException } from '@mikro-orm/core';",
];

const EXPRESS = "import express from 'express';";
/** What the composition root (src/composition) is made of: the domain and the data layer. */
const COMPOSITION_IMPORTS = [
  "import { ClientService } from '../domain/clients/client.service';",
  "import type { DomainDeps } from '../domain/deps';",
  "import { createRepositories } from '../data/repositories';",
  "import { isInfrastructureFailure } from '../data/infrastructure-failure';",
];
const OTHER_CASES = [
  { code: EXPRESS, filePath: 'src/domain/grants/x.grant.ts' },
  { code: EXPRESS, filePath: 'src/oauth-rest/x.router.ts' },
  { code: EXPRESS, filePath: 'src/data/x.repository.ts' },
  { code: "import { oauthErrorResponse } from '../oauth-rest/oauth-error-response';", filePath: 'src/data/x.repository.ts' },
  { code: "import type { Domain } from '../composition/create-domain';", filePath: 'src/data/x.repository.ts' },
  ...COMPOSITION_IMPORTS.map((code) => ({ code, filePath: 'src/composition/x.ts' })),
];

describe('layering (src/domain is transport-free)', () => {
  let domain: LintOutcome[];
  const texts = new Map<string, LintOutcome>();

  beforeAll(async () => {
    const cases = [
      ...[...RESTRICTED, ...ALLOWED, ...PORTS_RESTRICTED].map((code) => ({ code, filePath: 'src/domain/x.ts' })),
      ...PORTS_RESTRICTED.map((code) => ({ code, filePath: 'src/data/x.repository.ts' })),
      ...OTHER_CASES,
    ];
    const outcome = await lint({ files: ['src/domain/**/*.ts', 'src/data/**/*.ts'], texts: cases });
    domain = outcome.files;
    cases.forEach((request, i) => texts.set(`${request.filePath} ${request.code}`, outcome.texts[i]!));
  }, 60_000);

  /** Layering messages only: other rules (e.g. no-unused-vars) may fire on these one-liners. */
  const restricted = (code: string, filePath = 'src/domain/x.ts', rule = RULE) => {
    const outcome = texts.get(`${filePath} ${code}`)!;
    expect(outcome.fatalErrorCount).toBe(0);
    return outcome.messages.filter((message) => message.ruleId === rule);
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
    expect(restricted("import { oauthErrorResponse } from '../oauth-rest/oauth-error-response';", 'src/data/x.repository.ts')).toHaveLength(
      1,
    );
    expect(restricted("import type { Domain } from '../composition/create-domain';", 'src/data/x.repository.ts')).toHaveLength(1);
  });

  it.each(COMPOSITION_IMPORTS)('lets the composition root (src/composition) import `%s`', (code) => {
    expect(restricted(code, 'src/composition/x.ts')).toEqual([]);
    expect(restricted(code, 'src/composition/x.ts', PORTS_RULE)).toEqual([]);
  });

  it('does not restrict the transport layers themselves', () => {
    expect(restricted(EXPRESS, 'src/oauth-rest/x.router.ts')).toEqual([]);
  });

  describe('the domain owns its ports (src/data, src/entities and MikroORM stay out)', () => {
    it.each(PORTS_RESTRICTED)('refuses `%s` in src/domain', (code) => {
      const messages = restricted(code, 'src/domain/x.ts', PORTS_RULE);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.severity).toBe(2);
    });

    it.each(PORTS_RESTRICTED)('lets src/data import `%s`', (code) => {
      expect(restricted(code, 'src/data/x.repository.ts', PORTS_RULE)).toEqual([]);
    });

    it.each(ALLOWED.filter((code) => !code.includes('/entities/')))('allows `%s` in src/domain', (code) => {
      expect(restricted(code, 'src/domain/x.ts', PORTS_RULE)).toEqual([]);
    });

    it('finds no such import anywhere in src/domain', () => {
      expect(domain.length).toBeGreaterThan(100);
      const violations = domain.flatMap((result) =>
        result.messages
          .filter((message) => message.ruleId === PORTS_RULE)
          .map((message) => `${path.relative(root, result.filePath)}:${message.line} ${message.message}`),
      );
      expect(violations).toEqual([]);
    });
  });
});
