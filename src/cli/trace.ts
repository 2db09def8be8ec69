/**
 * `synod trace`: the subcommands over traces, each in its own file:
 *
 *   check FILE|DIR|-...   validate recorded runs against the spec (trace-check.ts)
 *   merge FILE...         merge per-node logs of one run into one trace (trace-merge.ts)
 *   itf FILE              print a trace's spec states as ITF JSON (here)
 *   schema                print the JSON Schema of a trace line, generated from the codecs (here)
 *
 * The usage text is trace-help.ts's; what check prints is trace-verdict.ts's.
 */
import { intFlag, parseFlags } from './args.js';
import { readBounded } from './files.js';
import { EXIT_OK, EXIT_USAGE, UsageError, type Command, type Io } from './io.js';
import { check } from './trace-check.js';
import { HELP_FLAG, TRACE_HELP, traceHelp } from './trace-help.js';
import { ITF_BYTES_MAX } from './trace-input.js';
import { merge } from './trace-merge.js';
import { traceToItf } from '../trace/itf-export.js';
import { traceSchema } from '../trace/schema.js';

export const traceCommand: Command = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(TRACE_HELP);
    return sub === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (sub === 'schema') {
    // No flags but --help and --version, and no arguments: a typo is an error.
    const flags = parseFlags('trace schema', rest, { ...HELP_FLAG, version: { type: 'string' } });
    if (flags.values.help === true) return traceHelp(io);
    const version = intFlag('trace schema', 'version', flags.values.version, 1, 1, 2) as 1 | 2;
    io.out(`${JSON.stringify(traceSchema(version), null, 2)}\n`);
    return EXIT_OK;
  }
  if (sub === 'itf') return toItf(rest, io);
  if (sub === 'merge') return merge(rest, io);
  if (sub !== 'check') throw new UsageError(`synod trace: unknown subcommand '${sub}' (expected ` +
    `check, merge, itf or schema)`);
  return check(rest, io);
};

async function toItf(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('trace itf', args, HELP_FLAG, true);
  if (values.help === true) return traceHelp(io);
  const [file, ...extra] = positionals;
  if (file === undefined
    || extra.length > 0) throw new UsageError('synod trace itf: give exactly one trace file');
  let text: string;
  try {
    text = await readBounded(file, ITF_BYTES_MAX);
  } catch (e) {
    throw new UsageError(`synod trace itf: ${file}: ${(e as Error).message}`);
  }
  const r = traceToItf(text);
  if (!r.ok) {
    throw new UsageError(`${file}:${r.problem.line}: ` +
      `${r.problem.field === null ? '' : `${r.problem.field}: `}${r.problem.message}`);
  }
  io.out(`${JSON.stringify(r.itf)}\n`);
  return EXIT_OK;
}

