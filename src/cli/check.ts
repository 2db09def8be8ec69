/**
 * `synod check paxos`: explores every reachable state of a bounded model of Paxos.tla and
 * reports a verdict (issue 2, section 4; docs/ci.md for CI use, docs/checker.md for the engine).
 *
 * Exit codes: 0 every property holds and every "sometimes" target was reached; 1 a property is
 * violated (a shortest counterexample is printed) or the model is vacuous; 2 bad flags or bounds
 * too large; 3 "unknown": the state limit reached before the exploration finished (DESIGN.md's
 * code for a budget that ran out, as check reconfig and check multipaxos use).
 *
 * Left out: the other models (cluster, reconfig, multipaxos), dispatched to their own files.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { CheckResult } from '../checker/engine.js';
import { describeWitness } from '../checker/models/paxos-common.js';
import {
  checkPaxos, paxosConstants, paxosModel, type PaxosCheck, type PaxosCheckSettings,
  type PaxosModelKind,
} from '../checker/paxos-check.js';
import type { Violation as SpecViolation } from '../../spec/properties.js';
import { intFlag, parseFlags } from './args.js';
import { progressReporter, verdictFields } from './check-run.js';
import {
  EXIT_OK, EXIT_UNKNOWN, EXIT_VIOLATION, UsageError, type Command, type Io,
} from './io.js';

const CMD = 'check';

export const checkUsage = `usage: synod check paxos [flags]
       synod check cluster [flags]   (the implementation itself; see synod check cluster --help)
       synod check reconfig [flags]  (reconfiguration specs; see synod check reconfig --help)
       synod check multipaxos [flags] (MultiPaxos-SMR; see synod check multipaxos --help)

Explores every reachable state of Paxos.tla with bounded constants, checking TypeOK, Inv1..Inv4,
VotesSafe, OneValuePerBallot, Consistency, R2, R2', I1 on every state and R1 on every step.

  --acceptors N        acceptors (1..7, default 3)
  --values N           values (1..4, default 2)
  --max-ballot N       ballots are 0..N, as in TLC's MCPaxos (0..7, default 2)
  --quorums "0,1;1,2"  explicit quorums of acceptor numbers 0..N-1 (default: majorities);
                       every two must intersect
  --symmetry           reduce by renaming acceptors and values (exact canonical forms)
  --refinement         also check that every step maps to a Voting step or a stutter
  --model M            packed (fast, default) or readable (runs spec/paxos.ts itself)
  --max-states N       give up after N distinct states (default 30000000), exit 3
  --counterexample F   write a counterexample as a synod.trace (JSON lines) to F
  --html F             write the counterexample as one HTML page (synod view) to F
  --json               print one JSON verdict object ("format": "synod.check/v1")
  --progress           progress on stderr even when it is not a terminal

Exit codes: 0 verified, 1 violation or vacuous model, 2 bad usage, 3 unknown (state limit
reached before the exploration finished: no verdict).
`;

const options = {
  acceptors: { type: 'string' },
  values: { type: 'string' },
  'max-ballot': { type: 'string' },
  quorums: { type: 'string' },
  symmetry: { type: 'boolean' },
  refinement: { type: 'boolean' },
  model: { type: 'string' },
  'max-states': { type: 'string' },
  counterexample: { type: 'string' },
  html: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Flags {
  readonly settings: PaxosCheckSettings;
  readonly json: boolean;
  readonly progress: boolean;
  readonly counterexample: string | null;
  readonly html: string | null;
  readonly maxStates: number;
}

/** "0,1;1,2;0,2" to [[0,1],[1,2],[0,2]]; the spec checks membership and intersection. */
export function parseQuorums(raw: string): number[][] {
  const groups = raw.split(';').map((g) => g.trim());
  if (groups.length === 0 || groups.some((g) => g === '')) {
    throw new UsageError(`synod ${CMD}: --quorums must be quorums separated by ';', each a ` +
      `comma-separated list of acceptor numbers, like "0,1;1,2;0,2"; got '${raw}'`);
  }
  return groups.map((g, i) => {
    const members = g.split(',').map((x) => {
      const t = x.trim();
      if (!/^\d+$/.test(t)) {
        throw new UsageError(`synod ${CMD}: --quorums: quorum #${i + 1} ('${g}') has '${t}', ` +
          'which is not an acceptor number');
      }
      return Number(t);
    });
    const twice = members.find((a, j) => members.indexOf(a) !== j);
    if (twice !== undefined) {
      throw new UsageError(`synod ${CMD}: --quorums: quorum #${i + 1} ('${g}') names acceptor ` +
        `${twice} twice (a quorum is a set)`);
    }
    return members;
  });
}

/**
 * Where the model's name is among `args` (flags may come first: `check --json cluster`), or -1.
 * Both models' flags are known here, so a flag's value is never taken for the name.
 */
function modelAt(args: readonly string[],
  clusterOptions: NonNullable<ParseArgsConfig['options']>): number {
  const { tokens } = parseArgs({ args: [...args], options: { ...options, ...clusterOptions },
    strict: false, allowPositionals: true, tokens: true });
  return tokens.find((t) => t.kind === 'positional')?.index ?? -1;
}

function parseCheckFlags(args: readonly string[]): Flags | 'help' {
  const { values: f, positionals } = parseFlags(CMD, args, options, true);
  if (f.help === true) return 'help';
  if (positionals.length > 1 || (positionals[0] ?? 'paxos') !== 'paxos') {
    throw new UsageError(`synod ${CMD}: unknown model '${positionals.join(' ')}' ` +
      '(have: paxos, cluster, reconfig, multipaxos)');
  }
  const model = (f.model ?? 'packed') as PaxosModelKind;
  if (model !== 'packed' && model !== 'readable') {
    throw new UsageError(`synod ${CMD}: --model must be packed or readable, got '${f.model}'`);
  }
  const settings: PaxosCheckSettings = {
    acceptors: intFlag(CMD, 'acceptors', f.acceptors, 3, 1, 7),
    values: intFlag(CMD, 'values', f.values, 2, 1, 4),
    maxBallot: intFlag(CMD, 'max-ballot', f['max-ballot'], 2, 0, 7),
    quorums: f.quorums === undefined ? null : parseQuorums(f.quorums),
    symmetry: f.symmetry === true,
    refinement: f.refinement === true,
    model,
  };
  return {
    settings,
    json: f.json === true,
    progress: f.progress === true,
    counterexample: f.counterexample ?? null,
    html: f.html ?? null,
    maxStates: intFlag(CMD, 'max-states', f['max-states'], 30_000_000, 1, 500_000_000),
  };
}

/**
 * Builds constants and model up front, so bad settings are usage errors, not crashes. Returns
 * the words per state, which bound how many states fit in typed arrays.
 */
function validate(s: PaxosCheckSettings): number {
  try {
    return paxosModel(s, paxosConstants(s)).words;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const aboutQuorums = s.quorums !== null && /quorum|intersect|acceptor/i.test(e.message);
    const flag = aboutQuorums ? '--quorums' : 'bounds';
    throw new UsageError(`synod ${CMD}: ${flag}: ${e.message}`);
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function describeSettings(s: PaxosCheckSettings): string {
  const quorums = s.quorums === null ? 'majority quorums'
    : `quorums ${s.quorums.map((q) => `{${q.join(',')}}`).join(' ')}`;
  return `${s.acceptors} acceptors, ${s.values} values, ballots 0..${s.maxBallot}, ${quorums}, ` +
    `${s.model} model, ${s.symmetry ? 'symmetry' : 'no symmetry'}` +
    (s.refinement ? ', refinement to Voting' : '');
}

export function humanReport(check: PaxosCheck, s: PaxosCheckSettings, seconds: number,
  file: string | null): string {
  const r = check.result;
  const m = check.model;
  const lines = [
    `synod check paxos: ${describeSettings(s)}`,
    `checking ${m.stateProperties.join(', ')} on every state; ${m.stepProperties.join(', ')} ` +
      `on every step; sometimes ${m.reachability.map((x) => x.name).join(', ')}`,
  ];
  const rate = fmt(Math.round(r.generatedStates / Math.max(seconds, 1e-3)));
  const figures = `${fmt(r.distinctStates)} distinct states, ` +
    `${fmt(r.generatedStates)} generated, ` +
    `depth ${r.depth}, ${seconds.toFixed(1)} s (${rate} generated/s)`;
  switch (r.verdict) {
    case 'ok': lines.push(`OK: every property holds. ${figures}`); break;
    case 'vacuous':
      lines.push(`VACUOUS: never reached ${r.unreached.join(', ')}, so the properties they ` +
        `partner prove nothing. ${figures}`);
      break;
    case 'incomplete': lines.push(`UNKNOWN: stopped at --max-states. ${figures}`); break;
    case 'violation': {
      const v = r.violation!;
      lines.push(`VIOLATION of ${v.property}: ${v.summary}`);
      const witness = describeWitness(v.witness);
      if (witness !== '') lines.push(`  witness: ${witness}`);
      lines.push(`shortest counterexample, ${r.trace.length - 1} steps:`);
      r.trace.forEach((t, i) =>
        lines.push(`  ${String(i).padStart(3)}  ${(t.action ?? 'Init').padEnd(36)} ${t.change}`));
      if (file !== null) {
        lines.push(`counterexample written to ${file} (synod.trace v1, JSON lines)`);
      }
      lines.push(figures);
      break;
    }
  }
  return `${lines.filter((l) => l !== '').join('\n')}\n`;
}

export function jsonReport(check: PaxosCheck, s: PaxosCheckSettings, seconds: number,
  file: string | null): string {
  const r: CheckResult = check.result;
  const m = check.model;
  return `${JSON.stringify({
    format: 'synod.check/v1',
    model: 'paxos',
    engine: s.model,
    constants: {
      acceptors: s.acceptors, values: s.values, maxBallot: s.maxBallot,
      quorums: s.quorums ?? 'majority',
    },
    symmetry: s.symmetry,
    refinement: s.refinement,
    properties: {
      state: m.stateProperties, step: m.stepProperties,
      sometimes: m.reachability.map((x) => x.name),
    },
    ...verdictFields(r, seconds, file),
  })}\n`;
}


export const checkCommand: Command = async (args, io) => {
  const cluster = await import('./check-cluster.js');
  const at = modelAt(args, cluster.clusterOptions);
  if (at !== -1 && args[at] === 'cluster') {
    return cluster.clusterCommand([...args.slice(0, at), ...args.slice(at + 1)], io);
  }
  if (args[0] === 'reconfig') {
    const { reconfigCommand } = await import('./check-reconfig.js');
    return reconfigCommand(args.slice(1), io);
  }
  if (at !== -1 && args[at] === 'multipaxos') {
    const { multipaxosCommand } = await import('./check-multipaxos.js');
    return multipaxosCommand([...args.slice(0, at), ...args.slice(at + 1)], io);
  }
  const flags = parseCheckFlags(args);
  if (flags === 'help') {
    io.out(checkUsage);
    return EXIT_OK;
  }
  const words = validate(flags.settings);
  // A typed array holds at most 2^32 bytes: keep the states (grown by doubling) within 2 GiB.
  const statesMax = Math.min(flags.maxStates, Math.floor(2 ** 28 / words));
  const s: PaxosCheckSettings = {
    ...flags.settings,
    maxStates: statesMax,
    ...(io.errIsTTY || flags.progress ? { onProgress: progressReporter(io) } : {}),
  };
  const start = performance.now();
  const check = checkPaxos(s);
  const seconds = (performance.now() - start) / 1000;
  const r = check.result;
  let file: string | null = null;
  if (r.verdict === 'violation' && flags.counterexample !== null) {
    file = flags.counterexample;
    // Loaded only when needed: the trace writer brings the io-ts codecs with it.
    const { counterexampleLines } = await import('../checker/models/paxos-trace.js');
    writeCounterexample(file, counterexampleLines(check.constants, r.trace, r.violation));
  }
  if (flags.html !== null) await writeHtml(flags.html, check, io);
  io.out(flags.json ? jsonReport(check, s, seconds, file) : humanReport(check, s, seconds, file));
  if (r.verdict === 'incomplete') {
    const why = statesMax < flags.maxStates
      ? `the most that ${words}-word states fit in memory here` : '--max-states';
    io.err(`synod ${CMD}: stopped after ${fmt(r.distinctStates)} states (${why}); ` +
      'no verdict: lower the bounds or raise --max-states\n');
    return EXIT_UNKNOWN;
  }
  return r.verdict === 'ok' ? EXIT_OK : EXIT_VIOLATION;
};

/**
 * `--html`: the counterexample as a page that opens at the violation. With no violation there
 * is nothing to draw: the file is not written, and stderr says so.
 */
export async function writeHtml(file: string, check: PaxosCheck, io: Io): Promise<void> {
  const r = check.result;
  if (r.verdict !== 'violation' || r.violation === null) {
    io.err(`synod ${CMD}: --html: no counterexample (verdict ${r.verdict}), ${file} not written\n`);
    return;
  }
  const { counterexampleLines } = await import('../checker/models/paxos-trace.js');
  const { counterexampleView, writeView } = await import('./view.js');
  const lines = counterexampleLines(check.constants, r.trace, r.violation);
  writeView(CMD, '--html', file, counterexampleView(lines, r.violation as SpecViolation,
    `synod check paxos: counterexample to ${r.violation.property}`));
}

function writeCounterexample(file: string, lines: readonly string[]): void {
  try {
    writeFileSync(file, lines.join(''));
  } catch (e) {
    const why = (e as Error).message;
    throw new UsageError(`synod ${CMD}: --counterexample: cannot write ${file}: ${why}`);
  }
}
