import { DomainError } from '../errors';

/** RFC 7644 §3.12 Table 9: the `scimType` keywords of a 400 (and `uniqueness`, a 409). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/**
 * A SCIM request error in the domain's error model: `conflict` (409) for `uniqueness`, `validation_failed` (400)
 * for every other keyword; the SCIM edge answers it as an RFC 7644 §3.12 error with the keyword as `scimType`.
 */
export const scimError = (scimType: ScimType, description: string): DomainError =>
  new DomainError(scimType === 'uniqueness' ? 'conflict' : 'validation_failed', description, { scimType });
