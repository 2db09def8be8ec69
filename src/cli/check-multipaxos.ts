/**
 * `synod check multipaxos`: explores every reachable state of a bounded MultiPaxos-SMR model
 * (spec/multipaxos/smr.ts, the port of tlaplus/Examples' MultiPaxos.tla; docs/multipaxos-spec.md)
 * and checks its named properties: TypeOK, LogAgreement, StateMachineSafety, the single-decree
 * properties in every slot, Linearizability, R1 per slot, and with --refinement that every step
 * is per-slot Paxos steps or a stutter.
 *
 * The contract is `synod check paxos`'s: a synod.check/v1 JSON verdict with --json, progress on
 * stderr only on a terminal or with --progress, exit 0 verified, 1 violation or vacuous, 2 bad
 * flags, and 3 (unknown) when --max-states ran out before the exploration finished.
 *
 * Left out: a trace-format counterexample (the trace format is single-decree); --counterexample
 * writes the states as JSON lines instead.
 */
import type { SmrWitness } from '../../spec/multipaxos/smr-properties.js';
import {
  checkSmr, smrModel, type SmrCheck, type SmrCheckSettings,
} from '../checker/multipaxos-check.js';
import { intFlag, parseFlags } from './args.js';
import {
  type CommonFlags, counterexampleJsonLines, fmt, runCheck, stateWords, verdictFields,
  verdictLines,
} from './check-run.js';
import { EXIT_OK, UsageError, type Command } from './io.js';

const CMD = 'check multipaxos';

export const multipaxosUsage = `usage: synod check multipaxos [flags]

Explores every reachable state of MultiPaxos-SMR (tlaplus/Examples, Guanzhou Hu's
MultiPaxos.tla): replicas with a log, one Prepare for all slots, a stable leader that skips
phase 1, in-order commit, a one-key KV, clients' writes and reads through the log. Checks
TypeOK, LogAgreement, StateMachineSafety, Inv1..Inv4, VotesSafe, OneValuePerBallot,
Consistency, R2, R2', I1 in every slot, Linearizability, and R1 on every step.

  --replicas N        replicas (1..5, default 3)
  --writes N          write commands (1..3, default 1)
  --reads N           read commands (0..3, default 0)
  --max-ballot N      ballots 1..N (2..4, default 2)
  --symmetry          reduce by renaming replicas, writes and reads (exact canonical forms)
  --refinement        also check that every step maps to per-slot Paxos steps or a stutter
  --tlc-invariants    check only MultiPaxos_MC.cfg's invariants (TypeOK, Linearizability)
  --model M           packed (default) or readable (the spec's own functions; slower)
  --max-states N      give up after N distinct states (default 30000000), exit 3
  --counterexample F  write a counterexample's states to F (JSON lines)
  --json              print one JSON verdict object ("format": "synod.check/v1")
  --progress          progress on stderr even when it is not a terminal
  --workers N         expand states in N worker threads (default 0: none); same counts

TLC's counts for 3 replicas, MaxBallot 2: --writes 1 gives 15,709 states (2,628 with
--symmetry); --writes 1 --reads 1 gives 2,062,561 (343,796 with --symmetry).

Exit codes: 0 verified, 1 violation or vacuous model, 2 bad usage, 3 state limit reached.
`;

const options = {
  replicas: { type: 'string' },
  writes: { type: 'string' },
  reads: { type: 'string' },
  'max-ballot': { type: 'string' },
  symmetry: { type: 'boolean' },
  refinement: { type: 'boolean' },
  'tlc-invariants': { type: 'boolean' },
  model: { type: 'string' },
  'max-states': { type: 'string' },
  counterexample: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Flags extends CommonFlags {
  readonly settings: SmrCheckSettings;
}

function parseMultipaxosFlags(args: readonly string[]): Flags | 'help' {
  const { values: f } = parseFlags(CMD, args, options);
  if (f.help === true) return 'help';
  const model = f.model ?? 'packed';
  if (model !== 'packed' && model !== 'readable') {
    throw new UsageError(`synod ${CMD}: --model must be packed or readable, got '${model}'`);
  }
  const settings: SmrCheckSettings = {
    replicas: intFlag(CMD, 'replicas', f.replicas, 3, 1, 5),
    writes: intFlag(CMD, 'writes', f.writes, 1, 1, 3),
    reads: intFlag(CMD, 'reads', f.reads, 0, 0, 3),
    maxBallot: intFlag(CMD, 'max-ballot', f['max-ballot'], 2, 2, 4),
    symmetry: f.symmetry === true,
    refinement: f.refinement === true,
    properties: f['tlc-invariants'] === true ? 'tlc' : 'all',
    readable: model === 'readable',
    workers: intFlag(CMD, 'workers', f.workers, 0, 0, 16),
  };
  if (settings.workers !== 0 && (model === 'readable')) {
    throw new UsageError(`synod ${CMD}: --workers needs --model packed`);
  }
  return {
    settings,
    json: f.json === true,
    progress: f.progress === true,
    counterexample: f.counterexample ?? null,
    maxStates: intFlag(CMD, 'max-states', f['max-states'], 30_000_000, 1, 500_000_000),
  };
}

function describeSettings(s: SmrCheckSettings): string {
  return `MultiPaxos-SMR, ${s.replicas} replicas, ${s.writes} write(s), ${s.reads} read(s), ` +
    `MaxBallot ${s.maxBallot}, ${s.symmetry ? 'symmetry' : 'no symmetry'}` +
    (s.refinement ? ', refinement' : '');
}

/** A witness in the protocol's own words: slot, ballot, commands, replicas, messages. */
export function describeSmrWitness(witness: unknown): string {
  const w = witness as SmrWitness;
  const parts: string[] = [];
  if (w.slot !== undefined) parts.push(`slot ${w.slot}`);
  if (w.ballot !== undefined) parts.push(`ballot ${w.ballot}`);
  if (w.commands !== undefined) parts.push(`commands ${w.commands.join(', ')}`);
  if (w.replicas !== undefined) parts.push(`replicas ${w.replicas.join(', ')}`);
  if (w.messages !== undefined) parts.push(`messages ${w.messages.join('; ')}`);
  if (w.history !== undefined) parts.push(`history ${w.history.join(' ')}`);
  return parts.join('; ');
}

export function smrHumanReport(c: SmrCheck, s: SmrCheckSettings, seconds: number,
  file: string | null): string {
  const r = c.result;
  const sometimes = c.model.reachability.map((x) => x.name);
  const steps = c.model.stepProperties;
  const lines = [
    `synod check multipaxos: ${describeSettings(s)}`,
    `checking ${c.model.stateProperties.join(', ')} on every state` +
      (steps.length === 0 ? '' : `, ${steps.join(', ')} on every step`) +
      (sometimes.length === 0 ? '' : `; sometimes ${sometimes.join(', ')}`),
  ];
  const figures = `${fmt(r.distinctStates)} distinct states, ${fmt(r.generatedStates)} ` +
    `generated, depth ${r.depth}, ${seconds.toFixed(1)} s`;
  return `${[...lines, ...verdictLines(r, figures, file, describeSmrWitness, 44)].join('\n')}\n`;
}

export function smrJsonReport(c: SmrCheck, s: SmrCheckSettings, seconds: number,
  file: string | null): string {
  return `${JSON.stringify({
    format: 'synod.check/v1',
    model: 'multipaxos',
    spec: 'MultiPaxos-SMR',
    constants: {
      replicas: s.replicas, writes: s.writes, reads: s.reads, maxBallot: s.maxBallot,
    },
    symmetry: s.symmetry,
    refinement: s.refinement,
    properties: {
      state: c.model.stateProperties, step: c.model.stepProperties,
      sometimes: c.model.reachability.map((x) => x.name),
    },
    ...verdictFields(c.result, seconds, file),
  })}\n`;
}

export const multipaxosCommand: Command = async (args, io) => {
  const flags = parseMultipaxosFlags(args);
  if (flags === 'help') {
    io.out(multipaxosUsage);
    return EXIT_OK;
  }
  const words = stateWords(CMD, () => smrModel(flags.settings).words);
  const settings = flags.settings;
  return runCheck<SmrCheck>({
    cmd: CMD,
    words,
    run: (maxStates, onProgress) => checkSmr({
      ...settings, maxStates, ...(onProgress === undefined ? {} : { onProgress }),
    }),
    human: (c, seconds, file) => smrHumanReport(c, settings, seconds, file),
    json: (c, seconds, file) => smrJsonReport(c, settings, seconds, file),
    counterexample: (c) => counterexampleJsonLines('synod.multipaxos-counterexample/v1',
      describeSettings(settings), c.result),
  }, flags, io);
};
