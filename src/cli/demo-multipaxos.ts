/**
 * The second half of `synod demo` (`npm start`): a short Multi-Paxos run. Three servers keep a
 * replicated log driving a key-value store; clients A, B and C write and read keys; s3 turns
 * slow and falls behind the compacted log; the leader s1 crashes; a new leader runs phase 1
 * once for every unchosen slot and recovers the log; s3 catches up from a snapshot; then every
 * check of `synod simulate multipaxos` is run on what happened.
 *
 * A scripted run of the same simulator (src/sim/multipaxos, `script`), so it replays from its
 * seed and is held to the same checks; only the narration lives here. It tells the protocol
 * moments (elections, leadership, crash, snapshots installed, calls and answers), not every
 * message.
 */
import { showBallot, showOp, type Op } from '../multipaxos/index.js';
import { checkMachineHistory } from '../history/machine.js';
import { simulateMultiPaxos, type MpSimReport } from '../sim/multipaxos/simulate.js';
import {
  clientName, MP_NO_FAULTS, serverName, type MpObserver, type MpScript, type MpWorldEvent,
} from '../sim/multipaxos/world.js';

/** The demos' client operations (also demo-reconfig.ts's). */
export const put = (key: string, value: string): Op => ({ op: 'put', key, value });
export const append = (key: string, value: string): Op => ({ op: 'append', key, value });
export const get = (key: string): Op => ({ op: 'get', key });

/** Writes before and after the leader's crash at tick 400; s3 slow from 60 for 500 ticks. */
export const MP_DEMO_SCRIPT: MpScript = {
  calls: [
    { at: 80, client: 0, server: 0, op: put('x', '1') },
    { at: 80, client: 1, server: 1, op: put('y', 'a') },
    { at: 150, client: 2, server: 0, op: append('x', '2') },
    { at: 160, client: 0, server: 0, op: append('y', 'b') },
    { at: 230, client: 1, server: 0, op: append('x', '3') },
    { at: 300, client: 2, server: 0, op: get('x') },
    { at: 390, client: 0, server: 1, op: put('z', 'before crash') },
    { at: 420, client: 1, server: 1, op: append('y', 'c') },
    { at: 500, client: 2, server: 1, op: append('x', '4') },
    { at: 900, client: 0, server: 0, op: get('x') },
    { at: 900, client: 1, server: 1, op: get('y') },
    { at: 900, client: 2, server: 2, op: get('z') },
  ],
  crashes: [{ at: 400, server: 0 }],
  slow: [{ at: 60, server: 2, for: 500 }],
};

/** A story line's step column. */
export const at = (t: number): string => `  ${`${t}`.padStart(4)}  `;

/** A client's name in the story; the reconfiguration demo names its operator. */
export type Namer = (client: number) => string;

export function narrator(story: string[], who: Namer = clientName): MpObserver {
  const say = (t: number, text: string): void => void story.push(`${at(t)}${text}`);
  return {
    onEvent: (e: MpWorldEvent) => {
      if (e.kind === 'invoke') {
        say(e.index, `${who(e.client)} calls ${showOp(e.op)} at ${serverName(e.server)}`);
      } else if (e.kind === 'return') {
        const v = e.out.value === null ? 'nothing' : JSON.stringify(e.out.value);
        say(e.index, `${who(e.client)}'s ${showOp(e.op)} returns ${v} ` +
          `(answered by ${serverName(e.server)})`);
      } else if (e.kind === 'crash') {
        say(e.index, `${serverName(e.server)} crashes (its promise, votes and snapshot are on ` +
          'its disk)');
      } else if (e.kind === 'slow') {
        say(e.index, e.server === null ? 'the slow server recovers its network'
          : `${serverName(e.server)} turns slow: most messages to it are lost`);
      } else if (e.kind === 'server-step') {
        const s = e.step;
        const o = s.result.outcome;
        if (o.kind !== 'acted') return;
        const name = serverName(s.server);
        const l = s.result.state.leader;
        const r = s.result.state.replica;
        if (o.action === 'Phase1a') {
          say(s.index, `${name} starts ballot ${showBallot(l.bal)}: one 1a for every slot from ` +
            `${l.from}`);
        } else if (o.action === 'Phase2a' && l.role === 'leader') {
          const n = l.inflight.length;
          say(s.index, `${name} leads ballot ${showBallot(l.bal)}: a majority promised; ` +
            (n === 0 ? 'no unchosen slot to recover' : `it recovers ${n} unchosen slot(s), ` +
              'each with the highest-ballot vote reported (or a no-op)'));
        } else if (o.action === 'CatchupInstall') {
          say(s.index, `${name} installs a snapshot up to slot ${r.applied} (the log below it ` +
            'was compacted) and catches up');
        } else if (o.action === 'Restart') {
          say(s.index, `${name} restarts from its disk: snapshot at slot ` +
            `${s.result.state.durable.snapshot.upTo}`);
        }
      }
    },
  };
}

/** Runs the Multi-Paxos story and returns its text and report. */
export function multiPaxosDemo(seed: number): { text: string; report: MpSimReport } {
  const story: string[] = [];
  const report = simulateMultiPaxos({
    seed, servers: 3, clients: 3, steps: 20_000, faults: MP_NO_FAULTS, script: MP_DEMO_SCRIPT,
    distinguished: null, snapshotEvery: 2, batch: 4, window: 4,
    linearizability: checkMachineHistory, observers: [narrator(story)],
  });
  return { text: render(report, story), report };
}

function render(r: MpSimReport, story: readonly string[]): string {
  const ok = r.violation === null;
  return [
    'Multi-Paxos: three servers keep a replicated log driving a key-value store. s3 turns slow',
    'and falls behind the compacted log; s1 crashes; a new leader recovers the log with one',
    `phase 1; s3 catches up from a snapshot. (seed ${r.seed})`,
    '',
    '  step',
    ...story,
    '',
    `${r.commands} commands chosen in ${r.slots} slots; applied at each server: ` +
      `${r.applied.map((a, i) => `${serverName(i)}=${a ?? 'down'}`).join(' ')}.`,
    ...lines(`Checks ${ok ? 'passed' : 'FAILED'}: ${r.passed.join(', ')}.`),
    `Refinement: ${r.specSteps} server steps are per-slot spec steps, ${r.stutters} stutters.`,
    ...(ok ? [] : [`VIOLATION: ${r.violation!.check}: ${r.violation!.summary}`]),
    '',
    'Next: `synod simulate multipaxos --seeds 100` runs a hundred faulty worlds.',
    '',
  ].join('\n');
}

/** A sentence cut into lines of at most 100 columns, at spaces. */
export function lines(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > 100) {
      out.push(line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  return [...out, line];
}
