/**
 * `synod simulate`: runs the Paxos servers of src/paxos in the simulated world of src/sim with
 * faults on, checks every run (safety from outside, refinement to the spec, linearizability,
 * liveness) and prints what happened. Exit 1 on any violation, with the command that replays it.
 *
 * One seed by default; `--seeds K` runs seeds S, S+1, ..., S+K-1 and stops at the first
 * violation (the 100x CI command of docs/simulator.md). Without `--seed` a random seed is drawn
 * and printed, so every run can be replayed. `--trace FILE` writes a single run as trace format
 * v1, which `synod trace check` reads.
 */
import { writeFileSync } from 'node:fs';
import { ALL_FAULTS, parseFaults, showFaults, type Faults } from '../sim/faults.js';
import { livenessStepsFor, simulate, type SimReport } from '../sim/simulate.js';
import { recordObserver, traceObserver } from '../sim/trace.js';
import { serverName, worldConfig, type Observer } from '../sim/world.js';
import { intFlag, parseFlags } from './args.js';
import { linearizability } from './sim-history.js';
import { EXIT_OK, EXIT_UNKNOWN, EXIT_VIOLATION, UsageError, type Command, type Io } from './io.js';

const HELP = `usage: synod simulate [flags]
       synod simulate multipaxos [flags]   (see synod simulate multipaxos --help)

Runs N Paxos servers and M clients (calling SetVarX/GetVarX) in a seeded simulated world with
faults, and checks every run: effect order, at most one value chosen, learners agree, answers
were proposed, refinement to spec/paxos.ts (named properties R1, Inv1..Inv4, Consistency, ...),
linearizability of the client history, and liveness once the faults stop.

  --servers N          servers, 1..9 (default 3)
  --clients M          clients A, B, C, ..., 1..26 (default 3)
  --seed S             the seed, 0..4294967295 (default: random, printed)
  --seeds K            run K seeds from S on, stop at the first violation (default 1)
  --steps N            events with faults on (default 2000)
  --faults LIST        all | none | name=rate,... (default all); names: loss, dup, reorder,
                       delay, partition, crash, client-crash
  --properties WHEN    step | end | off: when the named properties are checked (default step)
  --liveness-steps N   events allowed after the faults stop (default 20000 x servers x
                       clients / 9, at least 20000); a call still pending then is unknown
  --distinguished K    make sK the distinguished proposer: the others back off longer
                       (default: none, randomized backoff alone)
  --trace FILE         write the run as trace format v1 (single seed only)
  --html FILE          write the run as one HTML page (synod view), opening at the violation
                       if there is one (single seed only)
  --record FILE        write every step (input, effects, outcome, resulting state) as JSON
                       lines, for debugging (single seed only)
  --json               print one JSON object (format synod.simulate/v1)
  --progress           progress on stderr (default: only on a terminal)

Exit: 0 every check passed, 1 a violation (the replay command is printed) or a vacuous run
(no value ever chosen), 2 bad usage, 3 unknown (the liveness bound or the linearizability
search budget ran out before a verdict).
`;

const OPTIONS = {
  servers: { type: 'string' }, clients: { type: 'string' }, seed: { type: 'string' },
  seeds: { type: 'string' }, steps: { type: 'string' }, faults: { type: 'string' },
  properties: { type: 'string' }, 'liveness-steps': { type: 'string' },
  distinguished: { type: 'string' },
  trace: { type: 'string' }, record: { type: 'string' }, html: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface Plan {
  readonly servers: number;
  readonly clients: number;
  readonly seed: number;
  readonly seeds: number;
  readonly steps: number;
  readonly faults: Faults;
  readonly properties: 'step' | 'end' | 'off';
  readonly livenessSteps: number;
  /** 0-based id of the distinguished proposer, or null. */
  readonly distinguished: number | null;
  readonly trace: string | null;
  readonly record: string | null;
  readonly html: string | null;
}

function plan(args: readonly string[]): Plan | 'help' {
  const { values: v } = parseFlags('simulate', args, OPTIONS);
  if (v.help === true) return 'help';
  const faults = v.faults === undefined ? ALL_FAULTS : parseFaults(v.faults);
  if (typeof faults === 'string') throw new UsageError(`synod simulate: --faults: ${faults}`);
  const properties = v.properties ?? 'step';
  if (properties !== 'step' && properties !== 'end' && properties !== 'off') {
    throw new UsageError(
      `synod simulate: --properties must be step, end or off, got '${properties}'`);
  }
  const seeds = intFlag('simulate', 'seeds', v.seeds, 1, 1, 100_000_000);
  for (const flag of ['trace', 'record', 'html'] as const) {
    if (v[flag] !== undefined && seeds > 1) {
      throw new UsageError(
        `synod simulate: --${flag} writes one run; it cannot be used with --seeds`);
    }
  }
  const servers = intFlag('simulate', 'servers', v.servers, 3, 1, 9);
  const clients = intFlag('simulate', 'clients', v.clients, 3, 1, 26);
  const distinguished = v.distinguished === undefined ? null
    : intFlag('simulate', 'distinguished', v.distinguished, 1, 1, servers) - 1;
  return {
    servers,
    distinguished,
    clients,
    seed: intFlag('simulate', 'seed', v.seed, randomSeed(), 0, 0xffffffff),
    seeds,
    steps: intFlag('simulate', 'steps', v.steps, 2000, 0, 100_000_000),
    faults,
    properties,
    livenessSteps: intFlag('simulate', 'liveness-steps', v['liveness-steps'],
      livenessStepsFor(servers, clients), 1, 1e8),
    trace: v.trace ?? null,
    record: v.record ?? null,
    html: v.html ?? null,
  };
}

/** The only nondeterminism of the command: a fresh seed when none is given (and printed). */
function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000);
}

export function replayCommand(p: Plan, seed: number): string {
  return `synod simulate --servers ${p.servers} --clients ${p.clients} --seed ${seed} ` +
    `--steps ${p.steps} --faults ${showFaults(p.faults)}` +
    (p.livenessSteps === livenessStepsFor(p.servers, p.clients) ? ''
      : ` --liveness-steps ${p.livenessSteps}`) +
    (p.distinguished === null ? '' : ` --distinguished ${p.distinguished + 1}`);
}

export const simulateCommand: Command = async (args, io) => {
  if (args[0] === 'multipaxos') {
    const { simulateMultiPaxosCommand } = await import('./simulate-multipaxos.js');
    return simulateMultiPaxosCommand(args.slice(1), io);
  }
  const p = plan(args);
  if (p === 'help') {
    io.out(HELP);
    return EXIT_OK;
  }
  const json = args.includes('--json');
  const progress = io.errIsTTY || args.includes('--progress');
  if (p.seeds === 1) return single(p, io, json);
  return many(p, io, json, progress);
};

function runOne(p: Plan, seed: number, observers: readonly Observer[] = []): SimReport {
  return simulate({ ...options(p, seed), observers });
}

function options(p: Plan, seed: number) {
  return {
    servers: p.servers, clients: p.clients, seed, steps: p.steps, faults: p.faults,
    livenessSteps: p.livenessSteps, properties: p.properties, distinguished: p.distinguished,
    history: linearizability(),
  };
}

async function single(p: Plan, io: Io, json: boolean): Promise<number> {
  const traced: string[] = [];
  const recorded: string[] = [];
  const observers: Observer[] = [];
  const cfg = worldConfig(options(p, p.seed));
  if (p.trace !== null || p.html !== null) {
    observers.push(traceObserver(cfg, (l) => void traced.push(l)));
  }
  if (p.record !== null) observers.push(recordObserver((l) => void recorded.push(l)));
  const report = runOne(p, p.seed, observers);
  if (p.trace !== null) writeOut('trace', p.trace, traced);
  if (p.record !== null) writeOut('record', p.record, recorded);
  if (p.html !== null) {
    const { simulationView, writeView } = await import('./view.js');
    const title = `synod simulate, seed ${p.seed}`;
    writeView('simulate', '--html', p.html, await simulationView(traced, title, report.violation,
      false));
  }
  if (json) {
    io.out(`${JSON.stringify({ format: 'synod.simulate/v1', ...report,
      replay: replayCommand(p, p.seed) })}\n`);
  } else {
    io.out(describe(report, p));
  }
  return exitOf(report);
}

/** 1 for a violation, 3 when a check could not decide within its bound, 1 for a vacuous run. */
function exitOf(r: SimReport): number {
  if (r.violation !== null) return EXIT_VIOLATION;
  if (r.unknown !== null) return EXIT_UNKNOWN;
  return r.vacuous ? EXIT_VIOLATION : EXIT_OK;
}

async function many(p: Plan, io: Io, json: boolean, progress: boolean): Promise<number> {
  let events = 0;
  let chosen = 0;
  let failed: SimReport | null = null;
  let undecided: SimReport | null = null;
  let unknowns = 0;
  const started = performance.now();
  let runs = 0;
  for (let i = 0; i < p.seeds && failed === null; i++) {
    const report = runOne(p, (p.seed + i) >>> 0);
    runs++;
    events += report.events;
    if (report.chosen !== null) chosen++;
    if (report.violation !== null) failed = report;
    if (report.unknown !== null) {
      unknowns++;
      undecided ??= report;
    }
    if (progress && runs % 1000 === 0) io.err(`simulate: ${runs}/${p.seeds} seeds\r`);
  }
  if (progress) io.err('\n');
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    io.out(`${JSON.stringify({
      format: 'synod.simulate/v1', seeds: runs, firstSeed: p.seed, events, chosen,
      eventsPerSecond: Math.round(events / seconds), violation: failed?.violation ?? null,
      unknown: unknowns, firstUnknown: undecided?.unknown ?? null, vacuous: chosen === 0,
      replay: (failed ?? undecided) === null ? null : replayCommand(p, (failed ?? undecided)!.seed),
    })}\n`);
  } else if (failed !== null) {
    io.out(describe(failed, p));
  } else {
    io.out(`synod simulate: ${runs} seeds from ${p.seed}, ${p.steps} steps each, faults ` +
      `${showFaults(p.faults)}\n${events} events in ${seconds.toFixed(1)} s ` +
      `(${Math.round(events / seconds)} events/s); a value was chosen in ${chosen} runs\n` +
      (undecided !== null ? `UNKNOWN in ${unknowns} runs, first seed ${undecided.seed}: ` +
        `${undecided.unknown!.check}: ${undecided.unknown!.summary}\n` +
        `replay: ${replayCommand(p, undecided.seed)}\n`
        : chosen === 0 ? 'VACUOUS: no run ever chose a value, so the safety checks that held ' +
          'prove nothing\n' : 'every check passed in every run\n'));
  }
  if (failed !== null) return EXIT_VIOLATION;
  if (undecided !== null) return EXIT_UNKNOWN;
  return chosen === 0 ? EXIT_VIOLATION : EXIT_OK;
}

function writeOut(flag: string, file: string, lines: readonly string[]): void {
  try {
    writeFileSync(file, lines.join(''));
  } catch (e) {
    throw new UsageError(`synod simulate: --${flag}: cannot write '${file}': ${String(e)}`);
  }
}

/** The human summary of one run. */
export function describe(r: SimReport, p: Plan): string {
  const f = r.injected;
  const learned = r.learned.map((v, i) => `${serverName(i)}=${v ?? '-'}`).join(' ');
  const lines = [
    `synod simulate: ${r.servers} servers, ${r.clients} clients, seed ${r.seed}, ` +
      `${r.steps} steps, faults ${r.faults}`,
    `chosen: ${r.chosen === null ? 'nothing yet' : `${r.chosen.val} (ballot ${r.chosen.ballot})`}` +
      `; learned at the end: ${learned}`,
    `calls: ${r.calls.invoked} invoked, ${r.calls.returned} returned`,
    `faults injected: ${f.lost} lost, ${f.duplicated} duplicated, ${f.reordered} reordered, ` +
      `${f.delayed} delayed, ${f.undeliverable} undeliverable, ${f.partitions} partitions, ` +
      `${f.crashes} server crashes (${f.midStepCrashes} mid-step), ` +
      `${f.clientCrashes} client crashes`,
    `refinement: ${r.specSteps} spec steps, ${r.stutters} stutters over ${r.events} events`,
  ];
  if (r.livenessSteps !== null) {
    lines.push(`liveness: every pending call returned ${r.livenessSteps} events after the ` +
      'faults stopped');
  }
  lines.push(`checks passed: ${r.passed.join(', ')}`);
  if (r.violation === null && r.unknown !== null) {
    lines.push(`UNKNOWN: ${r.unknown.check} at event ${r.unknown.event}: ${r.unknown.summary}`);
    lines.push(`replay: ${replayCommand(p, r.seed)}`);
  } else if (r.violation === null && r.vacuous) {
    lines.push('VACUOUS: no value was ever chosen, so the safety checks that held prove nothing');
  }
  if (r.violation !== null) {
    const v = r.violation;
    lines.push(`VIOLATION of ${v.check}${v.property === undefined ? '' : ` (${v.property})`} ` +
      `at event ${v.event}: ${v.summary}`);
    lines.push(`replay: ${replayCommand(p, r.seed)}`);
  }
  return `${lines.join('\n')}\n`;
}
