/**
 * The linearizability check of a v2 trace's client calls, composed here because this is where
 * trace and history meet (DESIGN.md's arrows let cli import both, and neither the other): each
 * logged KV call becomes an operation of the key-value machine's sequential model
 * (src/history/machine.ts), with the trace's line numbers as its logical times, and Wing &
 * Gong's search judges them key by key. A refuted history is reported at the return line of the
 * call that had to be linearized first and could not be; a search out of budget is unknown.
 *
 * Left out: calls of a merged per-node trace are not judged (`--merge` sets no check): without
 * clocks, the real-time order between calls logged by different nodes is not known.
 */
import { checkLinearizable, type Operation } from '../history/index.js';
import { machineModel } from '../history/machine.js';
import type { Op, Output } from '../multipaxos/index.js';
import type { ClientCall } from '../trace/multipaxos/replicas.js';
import type { CallsCheck } from '../trace/multipaxos/run.js';

function opOf(c: ClientCall): Op {
  const { op, key, val, expect } = c.call;
  switch (op) {
    case 'get': case 'delete': return { op, key };
    case 'put': case 'append': return { op, key, value: val ?? '' };
    case 'cas': return { op, key, expect, value: val ?? '' };
  }
}

/** The check `synod trace check` hands the v2 checker, with the search's step budget. */
export function callsCheck(budget = 2_000_000): CallsCheck {
  return (calls) => {
    const ops: Operation<Op, Output>[] = calls.map((c) => ({
      client: c.client, input: opOf(c), call: c.invokeLine,
      output: c.ret === null ? null : { ok: c.ret.ok, value: c.ret.val },
      ret: c.ret === null ? null : c.ret.line,
    }));
    const r = checkLinearizable(ops, machineModel('kv'), { budget });
    if (r.verdict === 'linearizable') return { verdict: 'linearizable' };
    if (r.verdict === 'unknown') {
      return { verdict: 'unknown', summary: `linearizability: the search ran out of ${r.reason
        === 'budget-exhausted' ? `its budget of ${r.budget} steps` : `its ${r.timeoutMs} ms`} ` +
        `on key ${r.keys.join(', ')}` };
    }
    const late = ops[r.deadline];
    const lines = [...r.unplaced, ...r.prefix.slice(-3)].flatMap((i) => {
      const o = ops[i];
      return o === undefined ? [] : [o.call, ...(o.ret === null ? [] : [o.ret])];
    });
    return { verdict: 'not-linearizable', line: late?.ret ?? late?.call ?? 0, lines,
      summary: `the client calls on key ${r.key} admit no linearization: ${r.explanation}` };
  };
}
