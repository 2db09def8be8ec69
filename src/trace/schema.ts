/**
 * The JSON Schema of a trace line, generated from the io-ts codecs of format.ts so that the
 * codecs stay the single definition (docs/schema/synod-trace-v1.schema.json is this output;
 * test/trace/schema.test.ts fails when it is stale; `synod trace schema` prints it).
 *
 * It walks the codec tree: interfaces become objects with `required`, partials add optional
 * properties, intersections become `allOf`, unions `anyOf`, literals and keyofs `enum`, tuples
 * `prefixItems`. Refinements carry their JSON Schema in format.ts's `schemaHints`, because io-ts
 * keeps a refinement's predicate as an opaque function. Unknown properties are allowed, as the
 * codecs allow them. Left out: nothing the format uses; an unknown codec kind is our bug.
 */
import type * as t from 'io-ts';
import { FORMAT_NAME, FORMAT_VERSION, Header, TraceEvent, schemaHints } from '../format/trace.js';

type Schema = Record<string, unknown>;

interface Tagged { readonly _tag: string; readonly name: string }

/** The schema of one line: a header or an event, with every named codec under $defs. */
export function traceSchema(): Schema {
  const defs: Record<string, Schema> = {};
  const header = toSchema(Header, defs);
  const event = toSchema(TraceEvent, defs);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://synod.invalid/schema/${FORMAT_NAME}-v${FORMAT_VERSION}.json`,
    title: `${FORMAT_NAME} v${FORMAT_VERSION}: one line of a trace (the first line is the header)`,
    description: 'Generated from src/format/trace.ts by src/trace/schema.ts; do not edit. See ' +
      'docs/trace-format.md.',
    anyOf: [header, event],
    $defs: defs,
  };
}

/** Named codecs (Msg1a, SendEvent, ...) go to $defs once and are referenced after. */
function toSchema(codec: t.Mixed, defs: Record<string, Schema>): Schema {
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
  const sub = (x: unknown): Schema => toSchema(x as t.Mixed, defs);
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
      throw new Error(`traceSchema: no JSON Schema for io-ts ${c._tag} '${c.name}' (add a ` +
        `schemaHint)`);
  }
}

function object(props: Record<string, unknown>, required: boolean,
  sub: (x: unknown) => Schema): Schema {
  const properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sub(v)]));
  return { type: 'object', properties, ...(required ? { required: Object.keys(props) } : {}) };
}
