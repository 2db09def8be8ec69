/**
 * `synod check cluster`: the implementation itself (src/paxos/), N servers composed with a lossy,
 * duplicating, reordering network, explored exhaustively within bounds and held to the spec by
 * the refinement mapping (src/checker/models/cluster.ts; docs/implementation-check.md).
 *
 * Exit codes as for `synod check paxos`: 0 verified, 1 violation or vacuous, 2 bad usage, 3
 * unknown (the state limit reached before the exploration finished).
 */
import { totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { check } from '../checker/engine.js';
import { clusterModel, type ClusterBounds } from '../checker/models/cluster.js';
import { intFlag, parseFlags } from './args.js';
import { progressReporter } from './check-run.js';
import {
  EXIT_OK, EXIT_UNKNOWN, EXIT_VIOLATION, UsageError, type Command,
} from './io.js';

const CMD = 'check cluster';

export const clusterUsage = `usage: synod check cluster [flags]

Model-checks the implementation: N servers running src/paxos/'s reducer, clients calling
SetVarX (client i at server i mod N), a network that loses, duplicates and reorders, crashes
that lose volatile state. Every state is mapped to spec/paxos.ts and must satisfy every named
property; every step must be a spec step or a stutter.

  --protocol P       paxos (default: src/paxos/) or multipaxos (src/multipaxos/; see
                     synod check cluster --protocol multipaxos --help)
  --servers N        servers (1..5, default 3)
  --clients N        clients, each calling SetVarX once (1..4, default 2)
  --max-round N      highest proposer round, ballots (round, server) (0..3, default 0)
  --crashes N        server crashes allowed in a run (0..3, default 0)
  --votes-to LIST    servers that receive 2b messages: "all" or e.g. "s1" (default s1; the
                     rest learn through commit messages)
  --max-states N     give up after N distinct states (default 5000000), exit 3; capped at
                     what fits in half of this machine's memory (about 1 KB a state)
  --json             print one JSON verdict object ("format": "synod.check/v1")
  --progress         progress on stderr even when it is not a terminal

Exit codes: 0 verified, 1 violation or vacuous model, 2 bad usage, 3 unknown (state limit
reached before the exploration finished: no verdict).
`;

export const clusterOptions = {
  protocol: { type: 'string' },
  servers: { type: 'string' },
  commands: { type: 'string' },
  'max-ballot': { type: 'string' },
  crash: { type: 'boolean' },
  counterexample: { type: 'string' },
  clients: { type: 'string' },
  'max-round': { type: 'string' },
  crashes: { type: 'string' },
  'votes-to': { type: 'string' },
  'max-states': { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** "all" or "s1,s3" to server indices (0-based), checked against the server count. */
export function parseVotesTo(raw: string, servers: number): number[] | undefined {
  if (raw.trim() === 'all') return undefined;
  return raw.split(',').map((x) => {
    const m = /^s([1-9])$/.exec(x.trim());
    const i = m === null ? NaN : Number(m[1]) - 1;
    if (!(i >= 0 && i < servers)) {
      throw new UsageError(`synod ${CMD}: --votes-to: '${x.trim()}' is not one of ` +
        `s1..s${servers} (give "all" or a comma-separated list like "s1,s2")`);
    }
    return i;
  });
}

export const clusterCommand: Command = async (args, io) => {
  const { values: f, positionals } = parseFlags(CMD, args, clusterOptions, false);
  const protocol = f.protocol ?? 'paxos';
  if (protocol !== 'paxos' && protocol !== 'multipaxos') {
    throw new UsageError(`synod ${CMD}: --protocol must be paxos or multipaxos, got '${protocol}'`);
  }
  if (protocol === 'multipaxos') {
    const mp = await import('./check-cluster-multipaxos.js');
    if (f.help === true) {
      io.out(mp.mpClusterUsage);
      return EXIT_OK;
    }
    return mp.mpClusterCommand(f, io);
  }
  if (f.help === true) {
    io.out(clusterUsage);
    return EXIT_OK;
  }
  void positionals;
  for (const flag of ['commands', 'max-ballot', 'crash', 'counterexample'] as const) {
    if (f[flag] !== undefined) {
      throw new UsageError(`synod ${CMD}: --${flag} is for --protocol multipaxos`);
    }
  }
  const servers = intFlag(CMD, 'servers', f.servers, 3, 1, 5);
  const votesTo = parseVotesTo(f['votes-to'] ?? 's1', servers);
  const bounds: ClusterBounds = {
    servers,
    clients: intFlag(CMD, 'clients', f.clients, 2, 1, 4),
    maxRound: intFlag(CMD, 'max-round', f['max-round'], 0, 0, 3),
    crashes: intFlag(CMD, 'crashes', f.crashes, 0, 0, 3),
    ...(votesTo === undefined ? {} : { votesTo }),
  };
  const maxStates = intFlag(CMD, 'max-states', f['max-states'], 5_000_000, 1, 100_000_000);
  const model = clusterModel(bounds);
  const statesMax = Math.min(maxStates, memoryCap(model.words));
  const start = performance.now();
  const r = check(model, {
    maxStates: statesMax,
    ...(io.errIsTTY || f.progress === true ? { onProgress: progressReporter(io) } : {}),
  });
  const seconds = (performance.now() - start) / 1000;
  const votes = votesTo === undefined ? 'all' : votesTo.map((i) => `s${i + 1}`).join(',');
  const constants = { ...bounds, votesTo: votes };
  if (f.json === true) {
    io.out(`${JSON.stringify({
      format: 'synod.check/v1', model: 'cluster', constants,
      properties: {
        state: model.stateProperties, step: model.stepProperties,
        sometimes: model.reachability.map((x) => x.name),
      },
      verdict: r.verdict, distinctStates: r.distinctStates, generatedStates: r.generatedStates,
      depth: r.depth, seconds: Number(seconds.toFixed(3)), violation: r.violation,
      counterexample: r.verdict === 'violation'
        ? r.trace.map((t) => ({ action: t.action, change: t.change })) : null,
      unreached: r.unreached,
    })}\n`);
  } else {
    io.out(humanReport(r, constants, seconds));
  }
  if (r.verdict === 'incomplete') {
    const why = statesMax < maxStates ? `the most that fit in half of this machine's memory, at ` +
      `about ${BYTES_PER_STATE} bytes a state` : '--max-states';
    io.err(`synod ${CMD}: stopped after ${r.distinctStates} states (${why}); no verdict: ` +
      'lower the bounds or raise --max-states\n');
    return EXIT_UNKNOWN;
  }
  return r.verdict === 'ok' ? EXIT_OK : EXIT_VIOLATION;
};

/**
 * Bytes a state of the cluster model holds while the check runs: its words in the store, plus
 * the interned messages and the hash and queue entries around them. About 1 KB was measured by
 * the review of issue 7 (section 6) on the default bounds; a wider state holds its words too.
 */
const BYTES_PER_STATE = 1024;

/** The most states that fit in half the machine's memory, and in one typed array (2^28 words). */
export function memoryCap(words: number, memory = totalmem()): number {
  const bytes = Math.max(BYTES_PER_STATE, 8 * words);
  return Math.max(1, Math.min(Math.floor(memory / 2 / bytes), Math.floor(2 ** 28 / words)));
}

function humanReport(
  r: ReturnType<typeof check>, c: Omit<ClusterBounds, 'votesTo'> & { votesTo: string },
  seconds: number,
): string {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const lines = [
    `synod check cluster: ${c.servers} servers, ${c.clients} clients, rounds 0..${c.maxRound}, ` +
      `${c.crashes} crashes, 2b delivered to ${c.votesTo}`,
  ];
  const figures = `${fmt(r.distinctStates)} distinct states, ` +
    `${fmt(r.generatedStates)} generated, depth ${r.depth}, ${seconds.toFixed(1)} s`;
  switch (r.verdict) {
    case 'ok':
      lines.push(`OK: every state refines the spec and every property holds. ${figures}`);
      break;
    case 'vacuous':
      lines.push(`VACUOUS: never reached ${r.unreached.join(', ')}. ${figures}`);
      break;
    case 'incomplete': lines.push(`UNKNOWN: stopped at --max-states. ${figures}`); break;
    case 'violation':
      lines.push(`VIOLATION of ${r.violation?.property}: ${r.violation?.summary}`);
      lines.push(`shortest counterexample, ${r.trace.length - 1} steps:`);
      r.trace.forEach((t, i) => lines.push(
        `  ${String(i).padStart(3)}  ${t.action ?? 'Init'}  ->  ${t.change}`));
      lines.push(figures);
      break;
  }
  return `${lines.join('\n')}\n`;
}
