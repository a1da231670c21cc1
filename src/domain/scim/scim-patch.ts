import { scimError } from './scim-errors';
import { parseScimFilter, type ScimEquality } from './scim-filter';
import { findAttribute, SCIM_MAX_OPERATIONS, SCIM_URN, type ScimAttribute } from './scim-schema';

/** A resource as PATCH and PUT handle it: plain JSON with the schema's attribute names (RFC 7643 §2.1: matched regardless of case). */
export type ScimDocument = Record<string, unknown>;

type Element = Record<string, unknown>;
type Op = 'add' | 'replace' | 'remove';

/** A PATCH path (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`, with or without the core schema URN. */
interface Target {
  readonly attribute: ScimAttribute;
  readonly filter?: readonly ScimEquality[];
  readonly sub?: ScimAttribute;
}

const PATH = /^([A-Za-z][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/s;

const isObject = (value: unknown): value is Element => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON object with the schema's attribute names: keys matched regardless of case, complex values
 * (and the elements of multi-valued ones) likewise; keys the schema does not have are left out, or
 * refused as `invalidPath` with `strict`.
 */
export function canonicalDocument(input: Element, attributes: readonly ScimAttribute[], strict = false): ScimDocument {
  const out: ScimDocument = {};
  for (const [key, value] of Object.entries(input)) {
    const attribute = findAttribute(attributes, key);
    if (!attribute) {
      if (strict) throw scimError('invalidPath', `unknown attribute ${JSON.stringify(key.slice(0, 100))}`);
      continue;
    }
    out[attribute.name] = canonicalValue(attribute, value);
  }
  return out;
}

function canonicalValue(attribute: ScimAttribute, value: unknown): unknown {
  if (attribute.type !== 'complex' || value === null || value === undefined) return value;
  const one = (item: unknown): unknown => (isObject(item) ? canonicalDocument(item, attribute.subAttributes ?? []) : item);
  return attribute.multiValued && Array.isArray(value) ? value.map(one) : one(value);
}

function parsePath(path: unknown, attributes: readonly ScimAttribute[], coreUrn: string): Target {
  if (typeof path !== 'string') throw scimError('invalidPath', 'path must be a string');
  let text = path.trim();
  if (text.toLowerCase().startsWith(`${coreUrn.toLowerCase()}:`)) text = text.slice(coreUrn.length + 1);
  const invalid = () => scimError('invalidPath', `unsupported path ${JSON.stringify(path.slice(0, 200))}`);
  const match = PATH.exec(text);
  if (!match) throw invalid();
  const attribute = findAttribute(attributes, match[1]!);
  if (!attribute) throw invalid();
  let filter: ScimEquality[] | undefined;
  if (match[2] !== undefined) {
    if (!attribute.multiValued || attribute.type !== 'complex') throw invalid();
    const names = new Map((attribute.subAttributes ?? []).map((sub) => [sub.name.toLowerCase(), sub.name]));
    try {
      filter = parseScimFilter(match[2], names);
    } catch {
      throw scimError('invalidPath', `unsupported value filter in path ${JSON.stringify(path.slice(0, 200))}`);
    }
  }
  let sub: ScimAttribute | undefined;
  if (match[3] !== undefined) {
    sub = attribute.type === 'complex' ? findAttribute(attribute.subAttributes ?? [], match[3]) : undefined;
    if (!sub) throw invalid();
  }
  if (attribute.mutability === 'readOnly' || sub?.mutability === 'readOnly')
    throw scimError('mutability', `${attribute.name}${sub ? `.${sub.name}` : ''} is read-only`);
  return { attribute, filter, sub };
}

/** Whether a multi-valued element matches every comparison (strings regardless of case unless the sub-attribute is caseExact). */
function matches(attribute: ScimAttribute, element: unknown, filter: readonly ScimEquality[]): boolean {
  if (!isObject(element)) return false;
  return filter.every(({ attribute: name, value }) => {
    const actual = element[name];
    const sub = findAttribute(attribute.subAttributes ?? [], name);
    if (typeof value === 'boolean') return actual === value || String(actual).toLowerCase() === String(value);
    if (typeof actual !== 'string') return false;
    return sub?.caseExact ? actual === value : actual.toLowerCase() === value.toLowerCase();
  });
}

/** Another element's `primary` goes false when an element becomes primary (RFC 7643 §2.4: one primary at most). */
function keepOnePrimary(list: Element[], primary: readonly unknown[]): void {
  if (!list.some((e) => primary.includes(e) && (e.primary === true || e.primary === 'true'))) return;
  for (const e of list) if (!primary.includes(e) && e.primary !== undefined) e.primary = false;
}

function listOf(document: ScimDocument, attribute: ScimAttribute): Element[] {
  const current = document[attribute.name];
  const list = Array.isArray(current) ? (current.filter(isObject) as Element[]) : [];
  document[attribute.name] = list;
  return list;
}

function apply(document: ScimDocument, op: Op, target: Target, value: unknown, hasValue: boolean): void {
  const { attribute, filter, sub } = target;
  const name = attribute.name;
  if (op !== 'remove' && !hasValue) throw scimError('invalidValue', `${op} needs a value`);
  if (op === 'remove') {
    if (attribute.required && !filter && !sub) throw scimError('mutability', `${name} is required`);
    if (!attribute.multiValued) {
      if (sub) {
        if (isObject(document[name])) delete (document[name] as Element)[sub.name];
      } else delete document[name];
      return;
    }
    const list = listOf(document, attribute);
    if (filter) {
      const hit = list.filter((e) => matches(attribute, e, filter));
      if (sub) for (const e of hit) delete e[sub.name];
      else document[name] = list.filter((e) => !hit.includes(e));
      return;
    }
    if (sub) {
      for (const e of list) delete e[sub.name];
      return;
    }
    // Remove with a value (Entra ID's members removal): the elements whose `value` equals one given.
    if (hasValue && value !== null) {
      const gone = (Array.isArray(value) ? value : [value]).map((v) =>
        isObject(v) ? canonicalDocument(v, attribute.subAttributes ?? []).value : v,
      );
      document[name] = list.filter((e) => !gone.includes(e.value));
      return;
    }
    document[name] = [];
    return;
  }
  const canonical = canonicalValue(attribute, value);
  if (!attribute.multiValued) {
    if (sub) {
      const current = isObject(document[name]) ? (document[name] as Element) : {};
      document[name] = { ...current, [sub.name]: value };
    } else if (attribute.type === 'complex') {
      if (!isObject(canonical)) throw scimError('invalidValue', `${name} must be an object`);
      // RFC 7644 §3.5.2.1, §3.5.2.3: sub-attributes not given are left unchanged.
      document[name] = { ...(isObject(document[name]) ? (document[name] as Element) : {}), ...canonical };
    } else document[name] = value;
    return;
  }
  const list = listOf(document, attribute);
  if (filter) {
    const hit = list.filter((e) => matches(attribute, e, filter));
    if (hit.length === 0) {
      if (op === 'replace') throw scimError('noTarget', `no value of ${name} matches the path's filter`);
      // Add through a filter that matches nothing (Entra ID's `emails[type eq "work"].value`): a new value made of the filter and the value.
      const made: Element = Object.fromEntries(filter.map((f) => [f.attribute, f.value]));
      if (sub) made[sub.name] = value;
      else if (isObject(canonical)) Object.assign(made, canonical);
      else throw scimError('invalidValue', `${name} values are objects`);
      list.push(made);
      return;
    }
    for (const e of hit) {
      if (sub) e[sub.name] = value;
      else if (isObject(canonical)) {
        if (op === 'replace') for (const key of Object.keys(e)) delete e[key];
        Object.assign(e, canonical);
      } else throw scimError('invalidValue', `${name} values are objects`);
    }
    keepOnePrimary(list, hit);
    return;
  }
  if (sub) {
    for (const e of list) e[sub.name] = value;
    return;
  }
  const items = Array.isArray(canonical) ? canonical : [canonical];
  if (attribute.type === 'complex' && !items.every(isObject)) throw scimError('invalidValue', `${name} values are objects`);
  if (op === 'replace') {
    document[name] = items;
    keepOnePrimary(items as Element[], items);
    return;
  }
  // Add: new values join the list; one equal to a value already there (same `value`) replaces it.
  for (const item of items as Element[]) {
    const same = list.findIndex((e) => e.value !== undefined && e.value === item.value);
    if (same >= 0) list[same] = { ...list[same], ...item };
    else list.push(item);
  }
  keepOnePrimary(list, items);
}

/**
 * Applies an RFC 7644 §3.5.2 PatchOp request to `document` (changed in place): `add`, `replace` and
 * `remove` (any case, as Entra ID sends `Replace`), with a path (`attr`, `attr.sub`, `attr[filter]`,
 * `attr[filter].sub`) or without one (`add`/`replace` with an object of attributes, whose keys may
 * themselves be paths). Errors: `invalidSyntax` (not a PatchOp), `invalidPath`, `invalidValue`,
 * `noTarget`, `mutability`, `tooMany`.
 */
export function applyPatch(document: ScimDocument, body: unknown, attributes: readonly ScimAttribute[], coreUrn: string): void {
  if (!isObject(body)) throw scimError('invalidSyntax', 'the body must be a PatchOp object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(SCIM_URN.patchOp))
    throw scimError('invalidSyntax', `schemas must include ${SCIM_URN.patchOp}`);
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) throw scimError('invalidSyntax', 'Operations must be a non-empty array');
  if (operations.length > SCIM_MAX_OPERATIONS) throw scimError('tooMany', `at most ${SCIM_MAX_OPERATIONS} operations per request`);
  for (const operation of operations) {
    if (!isObject(operation)) throw scimError('invalidSyntax', 'each operation must be an object');
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw scimError('invalidSyntax', 'op must be add, replace or remove');
    const hasValue = 'value' in operation;
    if (operation.path === undefined || operation.path === null || operation.path === '') {
      if (op === 'remove') throw scimError('noTarget', 'remove needs a path');
      if (!isObject(operation.value)) throw scimError('invalidValue', `${op} without a path needs an object of attributes as its value`);
      for (const [key, value] of Object.entries(operation.value)) {
        if (key === 'schemas') continue;
        apply(document, op, parsePath(key, attributes, coreUrn), value, true);
      }
      continue;
    }
    apply(document, op, parsePath(operation.path, attributes, coreUrn), operation.value, hasValue);
  }
}
