/**
 * JSON Schema from io-ts codecs, so that each format's codecs stay its single definition: the
 * trace format's schema (src/trace/schema.ts) and the history format's (history.ts) are both
 * generated here, and tests fail when the copies shipped in docs/schema/ are stale.
 *
 * It walks the codec tree: interfaces become objects with `required`, partials add optional
 * properties, intersections become `allOf`, unions `anyOf`, literals and keyofs `enum`, tuples
 * `prefixItems`. Refinements carry their JSON Schema in `schemaHints` (set with `hinted` beside
 * the codec), because io-ts keeps a refinement's predicate as an opaque function. Unknown
 * properties are allowed, as the codecs allow them. Left out: codec kinds no format uses
 * (recursion, exact types); meeting one is our bug and throws.
 */
import type * as t from 'io-ts';

export type Schema = Record<string, unknown>;

/** JSON Schema facts for refinements, which io-ts cannot describe by itself. */
export const schemaHints = new WeakMap<t.Mixed, Schema>();

/** Returns `codec`, noting the JSON Schema that describes it. */
export function hinted<C extends t.Mixed>(codec: C, hint: Schema): C {
  schemaHints.set(codec, hint);
  return codec;
}

interface Tagged { readonly _tag: string; readonly name: string }

/** The schema of `codec`, with every named codec (Msg1a, InvokeEvent, ...) put under `defs`. */
export function codecSchema(codec: t.Mixed, defs: Record<string, Schema>): Schema {
  const hint = schemaHints.get(codec);
  if (hint !== undefined) return hint;
  const tagged = codec as unknown as Tagged;
  const named = /^[A-Z][A-Za-z0-9]*$/.test(tagged.name) && !['UnknownRecord',
    'UnknownArray'].includes(tagged.name);
  if (!named) return structural(codec, defs);
  if (!(tagged.name in defs)) {
    defs[tagged.name] = {};
    defs[tagged.name] = structural(codec, defs);
  }
  return { $ref: `#/$defs/${tagged.name}` };
}

function structural(codec: t.Mixed, defs: Record<string, Schema>): Schema {
  const c = codec as unknown as Tagged & Record<string, unknown>;
  const sub = (x: unknown): Schema => codecSchema(x as t.Mixed, defs);
  switch (c._tag) {
    case 'StringType': return { type: 'string' };
    case 'NumberType': return { type: 'number' };
    case 'BooleanType': return { type: 'boolean' };
    case 'NullType': return { type: 'null' };
    case 'LiteralType': return { const: c['value'] };
    case 'KeyofType': return { enum: Object.keys(c['keys'] as object) };
    case 'ArrayType': return { type: 'array', items: sub(c['type']) };
    case 'TupleType': {
      const types = c['types'] as unknown[];
      return { type: 'array', prefixItems: types.map(sub), minItems: types.length,
        maxItems: types.length };
    }
    case 'InterfaceType': return object(c['props'] as Record<string, unknown>, true, sub);
    case 'PartialType': return object(c['props'] as Record<string, unknown>, false, sub);
    case 'IntersectionType': return { allOf: (c['types'] as unknown[]).map(sub) };
    case 'UnionType': return { anyOf: (c['types'] as unknown[]).map(sub) };
    default:
      throw new Error(`codecSchema: no JSON Schema for io-ts ${c._tag} '${c.name}' (add a ` +
        `schema hint)`);
  }
}

function object(props: Record<string, unknown>, required: boolean,
  sub: (x: unknown) => Schema): Schema {
  const properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sub(v)]));
  return { type: 'object', properties, ...(required ? { required: Object.keys(props) } : {}) };
}
