import { validateText } from '../apis/validate-api';
import { ensure, errors } from '../errors';
import { ADMIN_ROLE } from './role';

const ROLE_NAME = /^[^\s]/;

/** A role's name: not empty, at most 100 characters, no control character, not the built-in `admin`. */
export function validateRoleName(value: string, field = 'name'): string {
  const name = validateText(value, field, 100, true);
  ensure(ROLE_NAME.test(name), () => errors.validation(field, 'must not be empty'));
  ensure(name !== ADMIN_ROLE, () => errors.validation(field, '"admin" is the built-in role'));
  return name;
}
