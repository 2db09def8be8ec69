/**
 * `synod check reconfig`: explores every reachable state of a bounded model of MongoDB's
 * logless reconfiguration protocol (spec/reconfig/; docs/reconfiguration.md). Without
 * `--with-log` the model is MongoLoglessDynamicRaft (configs and elections only); with it,
 * MongoRaftReconfig (the same composed with a replicated log).
 *
 * The contract is `synod check paxos`'s: a synod.check/v1 JSON verdict with --json, progress on
 * stderr only on a terminal or with --progress, exit 0 verified, 1 violation or vacuous, 2 bad
 * flags, and 3 (unknown) when --max-states ran out before the exploration finished.
 *
 * Left out: a trace-format counterexample (the trace format has no config events yet; that is
 * issue 11, section 2); --counterexample writes the states as JSON lines instead.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Witness } from '../../spec/reconfig/properties.js';
import { serverName, showSet } from '../../spec/reconfig/defs.js';
import {
  checkReconfig, RECONFIG_GUARDS, reconfigModel, withoutReconfigGuard, type ReconfigCheck,
  type ReconfigCheckSettings, type ReconfigGuardName,
} from '../checker/reconfig-check.js';
import { intFlag, parseFlags } from './args.js';
import { progressReporter } from './check.js';
import {
  EXIT_OK, EXIT_UNKNOWN, EXIT_VIOLATION, UsageError, type Command,
} from './io.js';

const CMD = 'check reconfig';

export const reconfigUsage = `usage: synod check reconfig [flags]

Explores every reachable state of MongoLoglessDynamicRaft (will62794/logless-reconfig), or with
--with-log of MongoRaftReconfig, bounded as the TLC models bound them (StateConstraint: every
term <= --max-term, every config version <= --max-config-version, every log <= --max-log-len).
Checks OnePrimaryPerTerm, ConfigVersionAndTermUnique, PrimaryConfigTermEqualToCurrentTerm,
ActiveConfigsOverlap, and with the log StateMachineSafety, LeaderCompleteness, LogMatching.

  --servers N              servers (1..5, default 3)
  --max-term N             (1..6; default 3, or 2 with --with-log)
  --max-config-version N   (1..6; default 3, or 2 with --with-log)
  --with-log               the composed spec, MongoRaftReconfig
  --max-log-len N          (1..4, default 2; only with --with-log)
  --symmetry               reduce by renaming servers (exact canonical forms)
  --without GUARD          remove one of Reconfig's guards, to see what it prevents:
                           config-quorum, term-quorum, quorums-overlap, or with --with-log
                           own-term-commit (Raft's 2015 single-server membership bug)
  --max-states N           give up after N distinct states (default 30000000), exit 3
  --counterexample F       write a counterexample's states to F (JSON lines)
  --json                   print one JSON verdict object ("format": "synod.check/v1")
  --progress               progress on stderr even when it is not a terminal

Exit codes: 0 verified, 1 violation or vacuous model, 2 bad usage, 3 state limit reached.
`;

const options = {
  servers: { type: 'string' },
  'max-term': { type: 'string' },
  'max-config-version': { type: 'string' },
  'with-log': { type: 'boolean' },
  'max-log-len': { type: 'string' },
  symmetry: { type: 'boolean' },
  without: { type: 'string' },
  'max-states': { type: 'string' },
  counterexample: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Flags {
  readonly settings: ReconfigCheckSettings;
  readonly json: boolean;
  readonly progress: boolean;
  readonly counterexample: string | null;
  readonly maxStates: number;
  readonly without: ReconfigGuardName | null;
}

function parseReconfigFlags(args: readonly string[]): Flags | 'help' {
  const { values: f } = parseFlags(CMD, args, options);
  if (f.help === true) return 'help';
  const withLog = f['with-log'] === true;
  if (!withLog && f['max-log-len'] !== undefined) {
    throw new UsageError(`synod ${CMD}: --max-log-len needs --with-log (the logless spec has no log)`);
  }
  const settings: ReconfigCheckSettings = {
    servers: intFlag(CMD, 'servers', f.servers, 3, 1, 5),
    maxTerm: intFlag(CMD, 'max-term', f['max-term'], withLog ? 2 : 3, 1, 6),
    maxConfigVersion: intFlag(CMD, 'max-config-version', f['max-config-version'],
      withLog ? 2 : 3, 1, 6),
    maxLogLen: withLog ? intFlag(CMD, 'max-log-len', f['max-log-len'], 2, 1, 4) : null,
    symmetry: f.symmetry === true,
  };
  return {
    settings,
    json: f.json === true,
    progress: f.progress === true,
    counterexample: f.counterexample ?? null,
    maxStates: intFlag(CMD, 'max-states', f['max-states'], 30_000_000, 1, 500_000_000),
    without: guardFlag(f.without, withLog),
  };
}

function guardFlag(raw: string | undefined, withLog: boolean): ReconfigGuardName | null {
  if (raw === undefined) return null;
  const names = Object.keys(RECONFIG_GUARDS);
  if (!names.includes(raw)) {
    throw new UsageError(`synod ${CMD}: --without must be one of ${names.join(', ')}, got '${raw}'`);
  }
  if (raw === 'own-term-commit' && !withLog) {
    throw new UsageError(`synod ${CMD}: --without own-term-commit needs --with-log (the guard ` +
      'is about committed entries)');
  }
  return raw as ReconfigGuardName;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function describeSettings(s: ReconfigCheckSettings): string {
  const base = s.maxLogLen === null ? 'MongoLoglessDynamicRaft' : 'MongoRaftReconfig';
  const spec = s.without === undefined ? base : `${base} without ${RECONFIG_GUARDS[s.without]}`;
  return `${spec}, ${s.servers} servers, MaxTerm ${s.maxTerm}, MaxConfigVersion ` +
    `${s.maxConfigVersion}` + (s.maxLogLen === null ? '' : `, MaxLogLen ${s.maxLogLen}`) +
    `, ${s.symmetry ? 'symmetry' : 'no symmetry'}`;
}

/** A witness in the protocol's own words: servers, term, configs, entries. */
export function describeReconfigWitness(witness: unknown): string {
  const w = witness as Witness;
  const parts: string[] = [];
  if (w.servers !== undefined) parts.push(`servers ${w.servers.map(serverName).join(', ')}`);
  if (w.term !== undefined) parts.push(`term ${w.term}`);
  if (w.index !== undefined) parts.push(`index ${w.index}`);
  if (w.entries !== undefined) {
    parts.push(`entries ${w.entries.map((e) => `(${e.index}, ${e.term})`).join(', ')}`);
  }
  if (w.configs !== undefined) {
    parts.push(`configs ${w.configs.map((c) => `${serverName(c.server)}: ${showSet(c.config)} ` +
      `(v${c.version}, t${c.configTerm})`).join(', ')}`);
  }
  return parts.join('; ');
}

export function reconfigHumanReport(c: ReconfigCheck, s: ReconfigCheckSettings, seconds: number,
  file: string | null): string {
  const r = c.result;
  const lines = [
    `synod check reconfig: ${describeSettings(s)}`,
    `checking ${c.model.stateProperties.join(', ')} on every state; ` +
      `sometimes ${c.model.reachability.map((x) => x.name).join(', ')}`,
  ];
  const figures = `${fmt(r.distinctStates)} distinct states, ${fmt(r.generatedStates)} ` +
    `generated, depth ${r.depth}, ${seconds.toFixed(1)} s`;
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
      lines.push(`  witness: ${describeReconfigWitness(v.witness)}`);
      lines.push(`shortest counterexample, ${r.trace.length} states:`);
      r.trace.forEach((t, i) =>
        lines.push(`  ${String(i + 1).padStart(3)}  ${(t.action ?? 'Init').padEnd(30)} ${t.change}`));
      if (file !== null) lines.push(`counterexample written to ${file} (JSON lines)`);
      lines.push(figures);
      break;
    }
  }
  return `${lines.join('\n')}\n`;
}

export function reconfigJsonReport(c: ReconfigCheck, s: ReconfigCheckSettings, seconds: number,
  file: string | null): string {
  const r = c.result;
  return `${JSON.stringify({
    format: 'synod.check/v1',
    model: 'reconfig',
    spec: s.maxLogLen === null ? 'MongoLoglessDynamicRaft' : 'MongoRaftReconfig',
    without: s.without === undefined ? null : RECONFIG_GUARDS[s.without],
    constants: {
      servers: s.servers, maxTerm: s.maxTerm, maxConfigVersion: s.maxConfigVersion,
      maxLogLen: s.maxLogLen,
    },
    symmetry: s.symmetry,
    properties: {
      state: c.model.stateProperties, step: c.model.stepProperties,
      sometimes: c.model.reachability.map((x) => x.name),
    },
    verdict: r.verdict,
    distinctStates: r.distinctStates,
    generatedStates: r.generatedStates,
    depth: r.depth,
    seconds: Number(seconds.toFixed(3)),
    generatedPerSecond: Math.round(r.generatedStates / Math.max(seconds, 1e-3)),
    violation: r.violation,
    counterexample: r.verdict === 'violation'
      ? r.trace.map((t) => ({ action: t.action, change: t.change, state: t.state })) : null,
    counterexampleFile: file,
    unreached: r.unreached,
  })}\n`;
}

/** The counterexample as JSON lines: a header, then one line per state, the initial first. */
export function reconfigCounterexampleLines(c: ReconfigCheck, s: ReconfigCheckSettings): string {
  const header = { format: 'synod.reconfig-counterexample/v1', settings: describeSettings(s),
    violation: c.result.violation };
  const states = c.result.trace.map((t, i) =>
    ({ state: i + 1, action: t.action ?? 'Init', change: t.change, vars: t.state }));
  return [header, ...states].map((x) => `${JSON.stringify(x)}\n`).join('');
}

export const reconfigCommand: Command = async (args, io) => {
  const flags = parseReconfigFlags(args);
  if (flags === 'help') {
    io.out(reconfigUsage);
    return EXIT_OK;
  }
  let words: number;
  try {
    words = reconfigModel(flags.settings).words;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UsageError(`synod ${CMD}: bounds: ${e.message}`);
  }
  const statesMax = Math.min(flags.maxStates, Math.floor(2 ** 28 / words));
  const chosen = flags.without === null ? flags.settings
    : { ...withoutReconfigGuard(flags.settings, flags.without), without: flags.without };
  const s: ReconfigCheckSettings = {
    ...chosen,
    maxStates: statesMax,
    ...(io.errIsTTY || flags.progress ? { onProgress: progressReporter(io) } : {}),
  };
  const start = performance.now();
  const c = checkReconfig(s);
  const seconds = (performance.now() - start) / 1000;
  let file: string | null = null;
  if (c.result.verdict === 'violation' && flags.counterexample !== null) {
    file = flags.counterexample;
    try {
      writeFileSync(file, reconfigCounterexampleLines(c, s));
    } catch (e) {
      throw new UsageError(`synod ${CMD}: --counterexample: cannot write ${file}: ` +
        `${(e as Error).message}`);
    }
  }
  io.out(flags.json ? reconfigJsonReport(c, s, seconds, file)
    : reconfigHumanReport(c, s, seconds, file));
  if (c.result.verdict === 'incomplete') {
    io.err(`synod ${CMD}: stopped after ${fmt(c.result.distinctStates)} states (` +
      `${statesMax < flags.maxStates ? `the most that ${words}-word states fit in memory here`
        : '--max-states'}); no verdict: lower the bounds or raise --max-states\n`);
    return EXIT_UNKNOWN;
  }
  return c.result.verdict === 'ok' ? EXIT_OK : EXIT_VIOLATION;
};
