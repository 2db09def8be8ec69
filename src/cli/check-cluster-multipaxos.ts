/**
 * `synod check cluster --protocol multipaxos`: the Multi-Paxos implementation itself
 * (src/multipaxos/), N servers composed with a lossy, duplicating, reordering network, explored
 * exhaustively within bounds and held to the per-slot spec by the refinement mapping
 * (src/checker/models/mp-cluster.ts; docs/implementation-check.md).
 *
 * The contract is `synod check multipaxos`'s (check-run.ts): a synod.check/v1 JSON verdict with
 * --json, progress on stderr only on a terminal or with --progress, exit 0 verified, 1 violation
 * or vacuous, 2 bad flags, 3 (unknown) when --max-states ran out.
 */
import type { Progress } from '../checker/engine.js';
import { check, type CheckResult } from '../checker/engine.js';
import {
  mpClusterModel, type MpClusterBounds, type MpClusterModel,
} from '../checker/models/mp-cluster.js';
import { intFlag } from './args.js';
import {
  counterexampleJsonLines, fmt, runCheck, stateWords, verdictFields, verdictLines,
} from './check-run.js';
import { UsageError } from './io.js';

const CMD = 'check cluster --protocol multipaxos';

export const mpClusterUsage = `usage: synod check cluster --protocol multipaxos [flags]

Model-checks the Multi-Paxos implementation: N servers running src/multipaxos's reducer,
client commands (put X) that may arrive at any server any number of times, a network that
loses, duplicates and reorders every message to every server, timers that may fire at any
moment, and optionally one crash (a restart rebuilds the server from its disk alone). Every
state is mapped to the per-slot spec and must satisfy TypeOK, Inv1..Inv4, VotesSafe,
OneValuePerBallot, Consistency, R2, R2', I1 in every slot, PromiseCovers, LogAgreement and
StateMachineSafety; every step must be per-slot spec steps or a stutter (Refinement) and keep R1.

  --servers N        servers (2..4, default 2)
  --commands N       client commands, one per client (1..2, default 1)
  --max-ballot N     highest ballot, numbered round * servers + server as in the spec: 0 lets
                     s1 lead once; 1 lets s1 and s2 each run one election, so two leaders
                     compete (0..5, default 1)
  --crash            allow one server crash and restart
  --max-states N     give up after N distinct states (default 20000000), exit 3
  --counterexample F write a counterexample's states to F (JSON lines)
  --json             print one JSON verdict object ("format": "synod.check/v1")
  --progress         progress on stderr even when it is not a terminal

The defaults check 33,341 states in about a second (213,374 with --crash). Three servers:
--servers 3 --max-ballot 0 has 3,247 states; --servers 3 --max-ballot 1 has more than 9
million (docs/implementation-check.md).

Exit codes: 0 verified, 1 violation or vacuous model, 2 bad usage, 3 state limit reached.
`;

/** The flags `check cluster` parsed, as strings. */
export interface MpClusterFlags {
  readonly servers?: string;
  readonly commands?: string;
  readonly 'max-ballot'?: string;
  readonly crash?: boolean;
  readonly 'max-states'?: string;
  readonly counterexample?: string;
  readonly json?: boolean;
  readonly progress?: boolean;
  readonly clients?: string;
  readonly 'max-round'?: string;
  readonly crashes?: string;
  readonly 'votes-to'?: string;
}

export function mpClusterBounds(f: MpClusterFlags): MpClusterBounds {
  for (const flag of ['clients', 'max-round', 'crashes', 'votes-to'] as const) {
    if (f[flag] !== undefined) {
      throw new UsageError(`synod ${CMD}: --${flag} is for --protocol paxos; Multi-Paxos takes ` +
        '--commands, --max-ballot and --crash');
    }
  }
  return {
    servers: intFlag(CMD, 'servers', f.servers, 2, 2, 4),
    commands: intFlag(CMD, 'commands', f.commands, 1, 1, 2),
    maxBallot: intFlag(CMD, 'max-ballot', f['max-ballot'], 1, 0, 5),
    crashes: f.crash === true ? 1 : 0,
  };
}

interface MpClusterCheck {
  readonly model: MpClusterModel;
  readonly result: CheckResult;
}

function describeBounds(b: MpClusterBounds): string {
  return `Multi-Paxos implementation, ${b.servers} servers, ${b.commands} command(s), ` +
    `ballots 0..${b.maxBallot}, ${b.crashes === 0 ? 'no crash' : 'one crash'}`;
}

function human(c: MpClusterCheck, b: MpClusterBounds, seconds: number,
  file: string | null): string {
  const r = c.result;
  const m = c.model;
  const lines = [
    `synod check cluster: ${describeBounds(b)}`,
    `checking ${m.stateProperties.join(', ')} on every state, ${m.stepProperties.join(', ')} on ` +
      `every step; sometimes ${m.reachability.map((x) => x.name).join(', ')}`,
  ];
  const figures = `${fmt(r.distinctStates)} distinct states, ${fmt(r.generatedStates)} ` +
    `generated, depth ${r.depth}, ${seconds.toFixed(1)} s`;
  const witness = (w: unknown): string => (w === null ? '-' : JSON.stringify(w));
  return `${[...lines, ...verdictLines(r, figures, file, witness, 52)].join('\n')}\n`;
}

function json(c: MpClusterCheck, b: MpClusterBounds, seconds: number, file: string | null): string {
  const m = c.model;
  return `${JSON.stringify({
    format: 'synod.check/v1', model: 'cluster', protocol: 'multipaxos',
    constants: {
      servers: b.servers, commands: b.commands, maxBallot: b.maxBallot, crashes: b.crashes,
    },
    properties: {
      state: m.stateProperties, step: m.stepProperties,
      sometimes: m.reachability.map((x) => x.name),
    },
    ...verdictFields(c.result, seconds, file),
  })}\n`;
}

export async function mpClusterCommand(f: MpClusterFlags,
  io: Parameters<typeof runCheck>[2]): Promise<number> {
  const bounds = mpClusterBounds(f);
  const flags = {
    json: f.json === true,
    progress: f.progress === true,
    counterexample: f.counterexample ?? null,
    maxStates: intFlag(CMD, 'max-states', f['max-states'], 20_000_000, 1, 500_000_000),
  };
  const words = stateWords(CMD, () => mpClusterModel(bounds).words);
  return runCheck<MpClusterCheck>({
    cmd: CMD,
    words,
    run: (maxStates: number, onProgress: ((p: Progress) => void) | undefined) => {
      const model = mpClusterModel(bounds);
      try {
        const options = { maxStates, ...(onProgress === undefined ? {} : { onProgress }) };
        return { model, result: check(model, options) };
      } catch (e) {
        // The network's width is fixed; bounds that send more distinct messages are refused.
        if (!(e instanceof RangeError)) throw e;
        throw new UsageError(`synod ${CMD}: bounds: ${e.message} (lower the bounds)`);
      }
    },
    human: (c, seconds, file) => human(c, bounds, seconds, file),
    json: (c, seconds, file) => json(c, bounds, seconds, file),
    counterexample: (c) => counterexampleJsonLines('synod.cluster-counterexample/v1',
      describeBounds(bounds), c.result),
  }, flags, io);
}
