/**
 * The checker's incremental state and guards (checker.ts, state.ts) against the spec itself:
 * on random traces, half of them with a random bug injected, the checker rejects exactly when,
 * and exactly where, a naive reference built only from spec/ does. The reference takes each
 * send as the action that sends it (`testStep`), a retransmission as a stutter, and evaluates
 * every named property of spec/properties.ts after every step, the slow and obvious way.
 * The checker with `fullProperties` must agree too; the partial search, which may add hidden
 * steps, accepts every valid one and rejects none earlier.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actionSending, enabledSteps, hasMessage, init, testStep, type Constants, type Message,
    type PaxosState,
} from '../../spec/paxos.js';
import { firstViolation, stepProperties } from '../../spec/properties.js';
import { majorities } from '../../spec/quorums.js';
import { collectEvents } from '../../src/trace/reader.js';
import { createChecker } from '../../src/trace/checker.js';
import { checkPartial } from '../../src/trace/partial.js';
import { PARTIAL_BUDGET } from '../../src/trace/run.js';
import { header3 } from './helpers.js';

const k: Constants = { acceptors: 3, values: 2, quorums: majorities(3), maxBallot: 3 };
const ACC = ['s1', 's2', 's3'];
const VAL = ['x', 'y'];


/** The reference: index of the first message the spec refuses or after which a property fails. */
function reference(msgs: readonly Message[]): number {
  let s: PaxosState = init(k);
  for (const [i, m] of msgs.entries()) {
    if (hasMessage(s.msgs, m)) continue;
    const r = testStep(k, s, actionSending(m));
    if (!r.ok || !r.next.msgs.some((x) => JSON.stringify(x) === JSON.stringify(m))) return i;
    if (stepProperties.some((p) => p.check(k, s, r.next) !== null) || firstViolation(k,
      r.next) !== null) return i;
    s = r.next;
  }
  return -1;
}

const choice = fc.record({ pick: fc.nat(1000), bug: fc.nat(30), a: fc.nat(2), b: fc.nat(3),
  v: fc.nat(1), mb: fc.integer({ min: -1, max: 3 }) });

/** A random walk of enabled steps; a choice with bug = 0 sends a random message instead. */
function walk(choices: readonly { pick: number; bug: number; a: number; b: number; v: number;
  mb: number }[]): Message[] {
  let s = init(k);
  const out: Message[] = [];
  for (const c of choices) {
    let m: Message;
    if (c.bug === 0) {
      const kinds: Message[] = [
        { type: '1b', acc: c.a, bal: c.b, mbal: c.mb, mval: c.mb === -1 ? null : c.v },
        { type: '2a', bal: c.b, val: c.v },
        { type: '2b', acc: c.a, bal: c.b, val: c.v },
      ];
      m = kinds[c.pick % 3] as Message;
    } else if (c.bug === 1 && s.msgs.length > 0) {
      m = s.msgs[c.pick % s.msgs.length] as Message;
    } else {
      const steps = enabledSteps(k, s);
      const step = steps[c.pick % steps.length];
      if (step === undefined) break;
      const sent = step.next.msgs.find((x) => !hasMessage(s.msgs, x));
      s = step.next;
      if (sent !== undefined) out.push(sent);
      continue;
    }
    out.push(m);
    const r = testStep(k, s, actionSending(m));
    if (r.ok && !hasMessage(s.msgs, m)) s = r.next;
  }
  return out;
}

function toTrace(msgs: readonly Message[]): string {
  const line = (m: Message): Record<string, unknown> => {
    switch (m.type) {
      case '1a': return { type: '1a', bal: m.bal };
      case '1b': return { type: '1b', acc: ACC[m.acc], bal: m.bal, mbal: m.mbal,
        mval: m.mval === null ? null : VAL[m.mval] };
      case '2a': return { type: '2a', bal: m.bal, val: VAL[m.val] };
      case '2b': return { type: '2b', acc: ACC[m.acc], bal: m.bal, val: VAL[m.val] };
    }
  };
  const header = { ...header3, values: VAL };
  return [header, ...msgs.map((m) => ({ ev: 'send', node: 's1',
    msg: line(m) }))].map((x) => JSON.stringify(x)).join('\n');
}

describe('the incremental checker', () => {
  it('rejects at the same line as the spec-only reference, on random traces', () => {
    let rejected = 0;
    let partialRejected = 0;
    fc.assert(fc.property(fc.array(choice, { maxLength: 30 }), (choices) => {
      const msgs = walk(choices);
      const expected = reference(msgs);
      const read = collectEvents(toTrace(msgs));
      if (!read.ok) throw new Error(read.problem.message);
      const lineOf = (i: number): number | undefined => (i === -1 ? undefined : i + 2);
      for (const fullProperties of [false, true]) {
        const checker = createChecker(read.cluster, read.names, { fullProperties });
        for (const { e, line } of read.events) if (!checker.event(e, line)) break;
        expect(checker.summary().rejections[0]?.line).toBe(lineOf(expected));
      }
      // Hidden steps can only explain more: a valid run is accepted as partial too, and a
      // partial rejection is never earlier than the full one (nor without one).
      const partial = checkPartial(read.cluster, read.names, read.events, PARTIAL_BUDGET);
      if (expected === -1) expect(partial.verdict).toBe('accepted');
      const at = partial.summary.rejections[0]?.line;
      if (at !== undefined) {
        expect(expected).not.toBe(-1);
        expect(at).toBeGreaterThanOrEqual(lineOf(expected) as number);
        partialRejected++;
      }
      if (expected !== -1) rejected++;
    }), { seed: 7, numRuns: 400 });
    expect(rejected).toBeGreaterThan(40);
    expect(partialRejected).toBeGreaterThan(10);
  });
});
