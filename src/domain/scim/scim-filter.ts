import { scimError } from './scim-errors';

/** One `attribute eq "value"` comparison of a filter (attribute names as the caller spelled them). */
export interface ScimEquality {
  readonly attribute: string;
  readonly value: string | boolean;
}

const MAX_FILTER_LENGTH = 1000;
/** `attrPath SP "eq" SP compValue`, RFC 7644 §3.4.2.2, with a JSON string or boolean as the value. */
const COMPARISON = /^\s*([A-Za-z][\w$-]*(?:\.[A-Za-z][\w$-]*)?)\s+eq\s+("(?:[^"\\]|\\.)*"|true|false)\s*/i;
const AND = /^and\s+/i;

/**
 * The filters this server supports (RFC 7644 §3.4.2.2): one or more `attribute eq "value"` comparisons
 * joined by `and`. Anything else (another operator, `or`, `not`, grouping, a malformed value) is
 * `invalidFilter`, as is an attribute outside `allowed` (lower-cased name → the name it stands for).
 */
export function parseScimFilter(text: string, allowed: ReadonlyMap<string, string>): ScimEquality[] {
  const invalid = (why: string) => scimError('invalidFilter', `unsupported filter: ${why}; supported: attribute eq "value" [and …]`);
  if (text.length > MAX_FILTER_LENGTH) throw invalid('too long');
  const out: ScimEquality[] = [];
  let rest = text;
  for (;;) {
    const match = COMPARISON.exec(rest);
    if (!match) throw invalid(out.length === 0 ? 'not a comparison' : 'after and');
    const attribute = allowed.get(match[1]!.toLowerCase());
    if (!attribute) throw invalid(`attribute ${JSON.stringify(match[1])} cannot be filtered on`);
    let value: string | boolean;
    try {
      value = JSON.parse(
        match[2]!.toLowerCase() === 'true' || match[2]!.toLowerCase() === 'false' ? match[2]!.toLowerCase() : match[2]!,
      ) as string | boolean;
    } catch {
      throw invalid('malformed string');
    }
    out.push({ attribute, value });
    rest = rest.slice(match[0].length);
    if (rest === '') return out;
    const and = AND.exec(rest);
    if (!and) throw invalid(`unexpected ${JSON.stringify(rest.slice(0, 20))}`);
    rest = rest.slice(and[0].length);
  }
}
