/**
 * A synod trace as an ITF state trace (itf.ts `writeItf`): the spec state after Init and after
 * every line that changed it, so that a run (or a counterexample) opens in ITF viewers and can
 * be replayed by Apalache or Quint tooling. The run is checked on the way; a rejected line ends
 * the states there, with the refused step taken as logged so that the last state shows it.
 *
 * Left out: events that do not change the spec state (receives, learns, client calls) have no
 * ITF state of their own; `#meta.lines` gives, for each state, the trace line it follows.
 */
import { createChecker } from './checker.js';
import type { InputProblem } from './lines.js';
import { collectEvents } from './reader.js';
import { toSpecState } from './state.js';
import { writeItf } from './itf.js';
import { init, sameState } from '../../spec/paxos.js';
import { constantsOf } from './events.js';

/** States are kept in memory: a bound on how many. */
export const ITF_STATES_MAX = 100_000;

export function traceToItf(text: string | Uint8Array): { ok: true; itf: unknown } | { ok: false;
  problem: InputProblem } {
  const read = collectEvents(text);
  if (!read.ok) return read;
  const { cluster, names, events } = read;
  const checker = createChecker(cluster, names, { rejectionsMax: 2 });
  const states = [init(constantsOf(cluster, names))];
  const lines = [1];
  for (const { e, line } of events) {
    const more = checker.event(e, line);
    const s = toSpecState(checker.state());
    if (!sameState(s, states[states.length - 1] as typeof s)) {
      states.push(s);
      lines.push(line);
    }
    if (!more || states.length >= ITF_STATES_MAX) break;
  }
  const rejection = checker.summary().rejections[0];
  const meta = { lines, ...(rejection === undefined ? {} : { rejected: { line: rejection.line,
    rule: rejection.rule } }) };
  return { ok: true, itf: writeItf(states, cluster.acceptors, names.values, meta) };
}
