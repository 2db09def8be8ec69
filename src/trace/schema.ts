/**
 * The JSON Schema of a trace line, generated from the io-ts codecs of src/format/trace.ts by
 * the walker of src/format/schema.ts, so that the codecs stay the single definition
 * (docs/schema/synod-trace-v1.schema.json is this output; test/trace/schema.test.ts fails when
 * it is stale; `synod trace schema` prints it).
 */
import { codecSchema as toSchema, type Schema } from '../format/schema.js';
import { FORMAT_NAME, FORMAT_VERSION, Header, TraceEvent } from '../format/trace.js';

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
