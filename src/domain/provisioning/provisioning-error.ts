import { DomainError, type ErrorCode } from '../errors';

/**
 * A provisioning file that cannot be applied. Every problem names the JSON path
 * of its entry (`tenants[0].clients[1].redirectUris[0]: …`); nothing was written.
 * `field` is the path of the first problem (GraphQL `extensions.field`).
 */
export class ProvisioningError extends DomainError {
  readonly problems: readonly string[];

  constructor(problems: string[], code: ErrorCode = 'validation_failed') {
    super(code, problems.join('; '), { field: pathOf(problems[0]) });
    this.name = 'ProvisioningError';
    this.problems = problems;
  }
}

/** `tenants[1].clients[0].clientId: …` → `tenants[1].clients[0].clientId`; undefined for a problem of the whole file. */
const pathOf = (problem: string | undefined): string | undefined => /^(tenants\[\d+\][^:\s]*):/.exec(problem ?? '')?.[1];
