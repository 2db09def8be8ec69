/**
 * `synod demo` (and `npm start`): what a newcomer should see first. Three servers; clients A, B
 * and C call SetVarX with their own names at the same moment at three different servers, over a
 * network that loses and reorders messages, and s2 crashes in the middle of the race. Then every
 * server is read, and every check of `synod simulate` is run on what happened.
 *
 * Then a short Multi-Paxos run (demo-multipaxos.ts): a replicated log and key-value store, a
 * leader crash, a new leader recovering the log, a lagging replica catching up from a snapshot;
 * and a cluster grown from three voting servers to five while clients write (demo-reconfig.ts).
 *
 * It is a scripted run of the same simulator (src/sim, `script`), so the story is replayable
 * from its seed and held to the same checks; only the narration is specific to this file. It
 * tells the protocol moments (ballots started, values proposed, rejections, crash, learning,
 * answers), not every message.
 */
import { showBallot } from '../paxos/index.js';
import { parseFaults, type Faults } from '../sim/faults.js';
import { simulate, type SimReport } from '../sim/simulate.js';
import { clientName } from '../sim/clients.js';
import type { Script } from '../sim/script.js';
import { serverName, type Observer, type WorldEvent } from '../sim/world.js';
import { intFlag, parseFlags } from './args.js';
import { multiPaxosDemo } from './demo-multipaxos.js';
import { reconfigDemo } from './demo-reconfig.js';
import { linearizability } from './sim-history.js';
import { EXIT_OK, EXIT_VIOLATION, type Command } from './io.js';

const DEFAULT_SEED = 2;
/** The Multi-Paxos story's default seed: s2 takes over, s3 installs a snapshot, s1 crashes. */
const MP_DEFAULT_SEED = 1;
const FAULTS = parseFaults('loss=0.2,reorder=0.5') as Faults;

/** The race at tick 1, s2's crash at tick 8, and a read at every server at tick 1500. */
const SCRIPT: Script = {
  calls: [
    { at: 1, client: 0, server: 0, op: { name: 'SetVarX', v: 'A' } },
    { at: 1, client: 1, server: 1, op: { name: 'SetVarX', v: 'B' } },
    { at: 1, client: 2, server: 2, op: { name: 'SetVarX', v: 'C' } },
    { at: 1500, client: 0, server: 0, op: { name: 'GetVarX' } },
    { at: 1500, client: 1, server: 1, op: { name: 'GetVarX' } },
    { at: 1500, client: 2, server: 2, op: { name: 'GetVarX' } },
  ],
  crashes: [{ at: 8, server: 1 }],
};

const HELP = `usage: synod demo [--seed S]

Three Paxos servers, clients A, B and C racing SetVarX over a lossy network with a crash, then
a GetVarX at every server, then the checks; then a short Multi-Paxos run (three servers, a key-
value store, a leader crash, a replica catching up from a snapshot) and its checks.
--seed S replays other stories (default ${DEFAULT_SEED}, and ${MP_DEFAULT_SEED} for Multi-Paxos).
`;

export const demoCommand: Command = async (args, io) => {
  const { values } = parseFlags('demo', args, {
    seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.out(HELP);
    return EXIT_OK;
  }
  const seed = intFlag('demo', 'seed', values.seed, DEFAULT_SEED, 0, 0xffffffff);
  const story: string[] = [];
  const report = simulate({
    seed, servers: 3, clients: 3, steps: 10_000, faults: FAULTS, script: SCRIPT,
    history: linearizability(),
    observers: [narrator(story)],
  });
  io.out(render(report, story));
  const mp = multiPaxosDemo(seed === DEFAULT_SEED ? MP_DEFAULT_SEED : seed);
  io.out(`\n${mp.text}`);
  const grow = reconfigDemo(seed === DEFAULT_SEED ? MP_DEFAULT_SEED : seed);
  io.out(`\n${grow.text}`);
  const passed = [report, mp.report, grow.report].every((r) => r.violation === null);
  return passed ? EXIT_OK : EXIT_VIOLATION;
};

/** Lines are numbered by simulated step (one event each), as in traces. */
const at = (t: number): string => `  ${`${t}`.padStart(4)}  `;

/** Turns world events into the few lines a newcomer needs. */
function narrator(story: string[]): Observer {
  const readBy: Record<string, boolean> = {};
  const say = (t: number, text: string): void => void story.push(`${at(t)}${text}`);
  return {
    onEvent: (e: WorldEvent) => {
      if (e.kind === 'invoke') {
        const call = e.op.name === 'SetVarX' ? `SetVarX("${e.op.v}")` : 'GetVarX()';
        say(e.index, `${clientName(e.client)} calls ${call} at ${serverName(e.server)}`);
      } else if (e.kind === 'return') {
        const what = e.val === null ? 'empty' : `"${e.val}"`;
        const how = e.op.name === 'GetVarX' && readBy[`${e.client}.${e.seq}`] === true
          ? ` (${serverName(e.server)} had not learned it, so it asked a majority)` : '';
        say(e.index, `${clientName(e.client)}'s ${e.op.name} returns ${what}${how}`);
      } else if (e.kind === 'crash') {
        say(e.index, `${serverName(e.server)} crashes (what it promised and voted is on its disk)`);
      } else if (e.kind === 'server-step') {
        const s = e.step;
        const o = s.result.outcome;
        const name = serverName(s.server);
        const p = s.result.state.proposer;
        if (o.kind !== 'acted') return;
        if (s.input.kind === 'request' && s.input.req.op.name === 'GetVarX' &&
          o.action === 'GetVarX') readBy[`${s.input.req.client}.${s.input.req.seq}`] = true;
        if (o.action === 'Phase1a') {
          say(s.index, `${name} starts ballot ${showBallot(p.bal)}: 1a to all`);
        }
        if (o.action === 'Phase2a') {
          const why = p.hval === null ? 'its own: nobody had voted' : 'the highest vote reported';
          say(s.index, `${name} has promises from a majority: 2a "${p.hval ?? p.value}" in ` +
            `ballot ` +
            `${showBallot(p.bal)} (${why})`);
        }
        if (o.action === 'Backoff') say(s.index, `${name}'s ballot was rejected; it backs off`);
        if (o.action === 'Restart') say(s.index, `${name} restarts from its disk alone`);
        if (o.action === 'Learn') {
          say(s.index, `${name} learns "${s.result.state.learner.learned}"`);
        }
      }
    },
  };
}

function render(r: SimReport, story: readonly string[]): string {
  const f = r.injected;
  const ok = r.violation === null;
  return [
    'Synod demo: three Paxos servers s1, s2, s3. Clients A, B and C call SetVarX with their own',
    'names at the same moment at different servers, over a network that loses 20% of messages',
    `and reorders them; s2 crashes during the race. Then every server is read. (seed ${r.seed})`,
    '',
    '  step',
    ...story,
    '',
    `Chosen: ${r.chosen === null ? 'nothing'
      : `"${r.chosen.val}" in ballot ${r.chosen.ballot}`}` +
      ': a majority of acceptors voted for it in that ballot.',
    'Every SetVarX returned it, whoever proposed it, and every server reads it.',
    `The network lost ${f.lost} messages and reordered ${f.reordered} deliveries.`,
    '',
    ...wrap(`Checks ${ok ? 'passed' : 'FAILED'}: ${r.passed.join(', ')}.`),
    `Refinement: ${r.specSteps} server steps are spec/paxos.ts steps (Phase1a/1b/2a/2b), the ` +
      `other ${r.stutters} are stutters;`,
    'after each, R1, R2, R2\', I1, Inv1..Inv4, VotesSafe, OneValuePerBallot, Consistency hold.',
    ...(ok ? [] : [`VIOLATION: ${r.violation!.check}: ${r.violation!.summary}`]),
    '',
    'Next: `synod simulate --seeds 1000` runs a thousand random faulty worlds;',
    '      `synod simulate --trace run.ndjson` writes one as a trace for `synod trace check`.',
    '',
  ].join('\n');
}

/** Wraps a sentence at 100 columns. */
function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
