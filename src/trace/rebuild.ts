/**
 * From the spec's PaxosState back to the checker's incremental state: used when the checker
 * goes on after a rejection (`--keep-going`), taking the refused step anyway as the
 * implementation did, so that later lines are judged against what really happened.
 *
 * Lines are kept for messages the old state had; a message new in `p` gets `line`.
 */
import type { PaxosState } from '../../spec/paxos.js';
import { addMessage, initialState, sentLine, type TraceState } from './state.js';

export function fromSpecState(p: PaxosState, old: TraceState, line: number): TraceState {
  const s = initialState(old.n, old.quorums);
  for (let a = 0; a < old.n; a++) {
    s.maxBal[a] = p.maxBal[a] as number;
    s.maxVBal[a] = p.maxVBal[a] as number;
    s.maxVal[a] = p.maxVal[a] ?? null;
  }
  for (const m of p.msgs) {
    const was = sentLine(old, m);
    addMessage(s, m, was === -1 ? line : was);
  }
  return s;
}
