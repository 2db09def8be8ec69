/**
 * The usage text of `synod trace` and its subcommands, shared by each subcommand's --help.
 */
import { EXIT_OK, type Io } from './io.js';

export const TRACE_HELP = `usage: synod trace check [flags] FILE|DIR|-...
       synod trace merge [-o OUT] FILE...  (merge per-node logs of one run into one trace)
       synod trace itf FILE        (print the trace's spec states as ITF JSON)
       synod trace schema [--version 2]  (print the JSON Schema of a trace line, v1 or v2)

Checks traces in the synod.trace v1 format (docs/trace-format.md), v2 Multi-Paxos traces
(against the per-slot spec, the replicas' and clients' rules), or ITF state traces (*.itf.json),
against the Paxos spec and the named properties.

flags:
  --json              print one JSON object (format "synod.trace/v1")
  --partial           search for hidden steps (also set by "partial": true in the header)
  --budget N          work (spec steps placed) the partial search may do (default 20000000);
                      past it the verdict is "unknown: budget exhausted" (exit 3)
  --time-budget S     seconds the partial search may take (default 60); past them the verdict
                      is "unknown: time budget exhausted" (exit 3)
  --max-memory MIB    memory a fully logged trace's spec state may take (default 2048); past it
                      the verdict is "unknown: memory budget exhausted" (exit 3)
  --keep-going N      report up to N rejections per trace, taking refused steps anyway (default 1)
  --full-properties   evaluate every named property after every step (slow; small traces)
  --mapping FILE      ITF variable names (JSON: {"maxBal": "...", ...}) for non-Paxos.tla names
  --html FILE         write the trace as one HTML page (synod view), opening at the rejection
                      (one synod.trace file only)
  --merge             the files are per-node logs of one run: merge them (as synod trace
                      merge does) and check the merged trace (client calls not judged)
  --coverage          v2 traces: which spec actions, enabling conditions and refusals the
                      traces exercised, summed over the files
  --liveness N        v2 traces: report a call that waits N events with a quorum and a leader
                      up without its command executed or answered (default: off)
  --progress          print progress to stderr
`;

/** The flag every trace subcommand takes. */
export const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

export function traceHelp(io: Io): number {
  io.out(TRACE_HELP);
  return EXIT_OK;
}
