import { errors } from '../../domain/errors';
import type { EndpointRequest } from '../endpoint-types';

/**
 * The named body fields (of the JSON object, else the form) as strings,
 * absent ones undefined. A JSON body may carry numbers, arrays or objects;
 * those are refused with `validation_failed` naming the field, before they
 * reach the domain.
 */
export function stringFields<K extends string>(req: EndpointRequest, names: readonly K[]): Partial<Record<K, string>> {
  const body = (req.json ?? req.body) as Readonly<Record<string, unknown>>;
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw errors.validation(name, 'must be a string');
    out[name] = value;
  }
  return out;
}
