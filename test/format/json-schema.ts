/**
 * Enough of a JSON Schema validator for the keywords src/format/schema.ts emits ($ref, anyOf,
 * allOf, const, enum, type with minLength/pattern/minimum, prefixItems, items, required,
 * properties), so that tests can hold a shipped schema to the lines the codecs accept.
 */
type Schema = Record<string, unknown>;

/** Enough of JSON Schema for what schema.ts emits. */
export function valid(s: Schema, v: unknown, root: Schema): boolean {
  if (typeof s['$ref'] === 'string') return valid((root['$defs'] as Record<string,
    Schema>)[s['$ref'].slice(8)] as Schema, v, root);
  if (Array.isArray(s['anyOf'])) return (s['anyOf'] as Schema[]).some((x) => valid(x, v, root));
  if (Array.isArray(s['allOf'])) return (s['allOf'] as Schema[]).every((x) => valid(x, v, root));
  if ('const' in s) return JSON.stringify(s['const']) === JSON.stringify(v);
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).includes(v);
  switch (s['type']) {
    case 'string': return typeof v === 'string' && v.length >= ((s['minLength'] as number) ?? 0)
      && (s['pattern'] === undefined || new RegExp(s['pattern'] as string).test(v));
    case 'number': return typeof v === 'number';
    case 'integer': return Number.isInteger(v) && (v as number) >= ((s['minimum'] as number)
      ?? -Infinity);
    case 'boolean': return typeof v === 'boolean';
    case 'null': return v === null;
    case 'array': {
      if (!Array.isArray(v)) return false;
      if (Array.isArray(s['prefixItems'])) return v.length === (s['prefixItems'] as Schema[]).length && v.every((x, i) => valid((s['prefixItems'] as Schema[])[i] as Schema, x, root));
      return v.every((x) => valid(s['items'] as Schema, x, root));
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const o = v as Record<string, unknown>;
      if (!((s['required'] as string[] | undefined) ?? []).every((k) => k in o)) return false;
      return Object.entries((s['properties'] as Record<string, Schema>) ?? {}).every(([k,
        p]) => !(k in o) || valid(p, o[k], root));
    }
    default: return true;
  }
}
