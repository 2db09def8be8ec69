/**
 * The JSON Schema of a synod.history line, generated from the io-ts codecs of
 * src/format/history.ts by the walker of src/format/schema.ts, so that the codecs stay the
 * single definition (docs/schema/synod-history-v1.schema.json is this output;
 * test/history/schema.test.ts fails when it is stale; `synod history schema` prints it).
 */
import { codecSchema, type Schema } from '../format/schema.js';
import {
  HISTORY_FORMAT_NAME, HISTORY_FORMAT_VERSION, HistoryHeader, HistoryLine,
} from '../format/history.js';

/** The schema of one line: the header or an event, with every named codec under $defs. */
export function historySchema(): Schema {
  const defs: Record<string, Schema> = {};
  const header = codecSchema(HistoryHeader, defs);
  const event = codecSchema(HistoryLine, defs);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://synod.invalid/schema/${HISTORY_FORMAT_NAME}-v${HISTORY_FORMAT_VERSION}.json`,
    title: `${HISTORY_FORMAT_NAME} v${HISTORY_FORMAT_VERSION}: one line of a client history ` +
      '(the first line is the header)',
    description: 'Generated from src/format/history.ts by src/history/schema.ts; do not edit. ' +
      'See docs/history-format.md.',
    anyOf: [header, event],
    $defs: defs,
  };
}
