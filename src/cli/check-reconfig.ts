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
import type { Witness } from '../../spec/reconfig/properties.js';
import { serverName, showSet } from '../../spec/reconfig/defs.js';
import {
  checkReconfig, RECONFIG_GUARDS, reconfigModel, withoutReconfigGuard, type ReconfigCheck,
  type ReconfigCheckSettings, type ReconfigGuardName,
} from '../checker/reconfig-check.js';
import { intFlag, parseFlags } from './args.js';
import {
  type CommonFlags, counterexampleJsonLines, fmt, runCheck, stateWords, verdictFields,
  verdictLines,
} from './check-run.js';
import { EXIT_OK, UsageError, type Command } from './io.js';

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

interface Flags extends CommonFlags {
  readonly settings: ReconfigCheckSettings;
  readonly without: ReconfigGuardName | null;
}

function parseReconfigFlags(args: readonly string[]): Flags | 'help' {
  const { values: f } = parseFlags(CMD, args, options);
  if (f.help === true) return 'help';
  const withLog = f['with-log'] === true;
  if (!withLog && f['max-log-len'] !== undefined) {
    throw new UsageError(`synod ${CMD}: --max-log-len needs --with-log ` +
      '(the logless spec has no log)');
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
    throw new UsageError(`synod ${CMD}: --without must be one of ${names.join(', ')}, ` +
      `got '${raw}'`);
  }
  if (raw === 'own-term-commit' && !withLog) {
    throw new UsageError(`synod ${CMD}: --without own-term-commit needs --with-log (the guard ` +
      'is about committed entries)');
  }
  return raw as ReconfigGuardName;
}

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
  lines.push(...verdictLines(r, figures, file, describeReconfigWitness, 30));
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
    ...verdictFields(r, seconds, file),
  })}\n`;
}

/** The counterexample as JSON lines: a header, then one line per state, the initial first. */
export function reconfigCounterexampleLines(c: ReconfigCheck, s: ReconfigCheckSettings): string {
  return counterexampleJsonLines('synod.reconfig-counterexample/v1', describeSettings(s),
    c.result);
}

export const reconfigCommand: Command = async (args, io) => {
  const flags = parseReconfigFlags(args);
  if (flags === 'help') {
    io.out(reconfigUsage);
    return EXIT_OK;
  }
  const words = stateWords(CMD, () => reconfigModel(flags.settings).words);
  const settings: ReconfigCheckSettings = flags.without === null ? flags.settings
    : { ...withoutReconfigGuard(flags.settings, flags.without), without: flags.without };
  return runCheck<ReconfigCheck>({
    cmd: CMD,
    words,
    run: (maxStates, onProgress) => checkReconfig({
      ...settings, maxStates, ...(onProgress === undefined ? {} : { onProgress }),
    }),
    human: (c, seconds, file) => reconfigHumanReport(c, settings, seconds, file),
    json: (c, seconds, file) => reconfigJsonReport(c, settings, seconds, file),
    counterexample: (c) => reconfigCounterexampleLines(c, settings),
  }, flags, io);
};
