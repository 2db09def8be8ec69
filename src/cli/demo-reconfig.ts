/**
 * The third part of `synod demo` (`npm start`): a cluster grown from three voting servers to
 * five while clients write. s4 and s5 start as learners (they vote in no slot); the operator
 * (src/sim/multipaxos/admin.ts) boots each, waits until it has caught up, and sends
 * `add-server` through the log like any command. A membership command chosen in slot i governs
 * the slots from i + alpha on (Lamport's alpha window, docs/reconfiguration.md), so the story
 * names, for each new configuration, the first slot it governs; then every check of
 * `synod simulate multipaxos --reconfig` is run on what happened, refinement to the per-slot
 * spec with each slot's own members included.
 *
 * A scripted run of the same simulator; only the narration lives here (and in
 * demo-multipaxos.ts, whose narrator tells the calls, elections and snapshots).
 */
import { showMembers } from '../multipaxos/index.js';
import { checkMachineHistory } from '../history/machine.js';
import { clientName } from '../sim/clients.js';
import { simulateMultiPaxos, type MpSimReport } from '../sim/multipaxos/simulate.js';
import {
  MP_NO_FAULTS, serverName, type MpObserver, type MpScript, type MpWorldEvent,
} from '../sim/multipaxos/world.js';
import { append, at, get, lines, narrator, put } from './demo-multipaxos.js';

const CLIENTS = 3;
/** The voting members at the start, s1..s3; s4 and s5 start as learners. */
const MEMBERS = 3;

/** Clients write all along; the operator grows the members 3 -> 4 -> 5 from tick 60. */
export const RECONFIG_DEMO_SCRIPT: MpScript = {
  calls: [
    { at: 40, client: 0, server: 0, op: put('x', '1') },
    { at: 60, client: 1, server: 1, op: put('y', 'a') },
    { at: 300, client: 2, server: 2, op: append('x', '2') },
    { at: 500, client: 0, server: 0, op: append('y', 'b') },
    { at: 700, client: 1, server: 1, op: append('x', '3') },
    { at: 900, client: 2, server: 0, op: append('y', 'c') },
    { at: 1300, client: 0, server: 4, op: get('x') },
    { at: 1300, client: 1, server: 3, op: get('y') },
  ],
  crashes: [],
  slow: [],
  operator: { from: 60, changes: 2 },
};

const who = (client: number): string => (client === CLIENTS ? 'the operator' : clientName(client));

/** The generic narration, plus learners booting and each new configuration's first slot. */
function reconfigNarrator(story: string[]): MpObserver {
  const inner = narrator(story, who);
  const booted = new Set<number>();
  const epochs = new Set<number>();
  return {
    onEvent: (e: MpWorldEvent) => {
      if (e.kind !== 'server-step') return inner.onEvent(e);
      const s = e.step;
      const o = s.result.outcome;
      const firstBoot = s.server >= MEMBERS && !booted.has(s.server);
      if (o.kind === 'acted' && o.action === 'Restart' && firstBoot) {
        booted.add(s.server);
        story.push(`${at(s.index)}${serverName(s.server)} boots as a learner: it votes in no ` +
          'slot, and catches up from the others');
        return;
      }
      inner.onEvent(e);
      for (const c of s.result.state.replica.configs) {
        if (c.from === 0 || epochs.has(c.from)) continue;
        epochs.add(c.from);
        story.push(`${at(s.index)}${serverName(s.server)} applies a membership command: from ` +
          `slot ${c.from} on the voting members are ${showMembers(c.members)}`);
      }
    },
  };
}

/** Runs the reconfiguration story and returns its text and report. */
export function reconfigDemo(seed: number): { text: string; report: MpSimReport } {
  const story: string[] = [];
  const report = simulateMultiPaxos({
    seed, servers: 5, members: MEMBERS, reconfig: true, clients: CLIENTS, steps: 20_000,
    faults: MP_NO_FAULTS, script: RECONFIG_DEMO_SCRIPT, distinguished: null, snapshotEvery: 4,
    batch: 4, window: 4, alpha: 2,
    linearizability: checkMachineHistory, observers: [reconfigNarrator(story)],
  });
  return { text: render(report, story), report };
}

function render(r: MpSimReport, story: readonly string[]): string {
  const ok = r.violation === null;
  return [
    'Reconfiguration: the cluster grows from three voting servers to five while clients write.',
    's4 and s5 start as learners; the operator adds each once it has caught up, one server at a',
    `time, through the log. (seed ${r.seed})`,
    '',
    '  step',
    ...story,
    '',
    ...lines(`${r.commands} commands chosen in ${r.slots} slots; voting members at the end: ` +
      `${r.membership?.members ?? '?'}; applied at each server: ` +
      `${r.applied.map((a, i) => `${serverName(i)}=${a ?? 'down'}`).join(' ')}.`),
    ...lines(`Checks ${ok ? 'passed' : 'FAILED'}: ${r.passed.join(', ')}.`),
    ...(ok ? [] : [`VIOLATION: ${r.violation!.check}: ${r.violation!.summary}`]),
    '',
    'Next: `synod simulate multipaxos --reconfig --seeds 100` grows and shrinks clusters under',
    'every fault.',
    '',
  ].join('\n');
}
