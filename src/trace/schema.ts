/**
 * The JSON Schema of a trace line, generated from the io-ts codecs of src/format/trace.ts by
 * the walker of src/format/schema.ts, so that the codecs stay the single definition
 * (docs/schema/synod-trace-v1.schema.json is this output; test/trace/schema.test.ts fails when
 * it is stale; `synod trace schema` prints it).
 */
import { codecSchema as toSchema, type Schema } from '../format/schema.js';
import { FORMAT_NAME, FORMAT_VERSION, Header, TraceEvent } from '../format/trace.js';
import { FORMAT_VERSION_2, HeaderV2, TraceEventV2 } from '../format/trace-v2.js';

/**
 * The schema of one line of a version-1 trace (or, with version 2, of a Multi-Paxos trace): a
 * header or an event, with every named codec under $defs.
 */
export function traceSchema(version: 1 | 2 = FORMAT_VERSION): Schema {
  const defs: Record<string, Schema> = {};
  const v2 = version === FORMAT_VERSION_2;
  const header = toSchema(v2 ? HeaderV2 : Header, defs);
  const event = toSchema(v2 ? TraceEventV2 : TraceEvent, defs);
  const source = v2 ? 'src/format/trace-v2.ts' : 'src/format/trace.ts';
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://synod.invalid/schema/${FORMAT_NAME}-v${version}.json`,
    title: `${FORMAT_NAME} v${version}: one line of a trace (the first line is the header)`,
    description: `Generated from ${source} by src/trace/schema.ts; do not edit. See ` +
      'docs/trace-format.md.',
    anyOf: [header, event],
    $defs: defs,
  };
}
