import { DomainError, type ErrorCode } from '../errors';

/**
 * A provisioning file that cannot be applied. Every problem names the JSON path
 * of its entry (`tenants[0].clients[1].redirectUris[0]: …`); nothing was written.
 */
export class ProvisioningError extends DomainError {
  readonly problems: readonly string[];

  constructor(problems: string[], code: ErrorCode = 'validation_failed') {
    super(code, problems.join('; '));
    this.name = 'ProvisioningError';
    this.problems = problems;
  }
}
