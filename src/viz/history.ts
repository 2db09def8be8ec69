/**
 * A client history and its linearizability verdict as a Run: a lane per client, each event a
 * step, each call a bar from its invocation to its return. When the history is linearizable,
 * every call gets its linearization point (a mark on its bar, in the witness order); when it is
 * not, the calls of the longest linearizable prefix get theirs, the calls that could come next
 * but fit nowhere are marked unplaced, and the view opens at the return by which one of them
 * had to take effect.
 *
 * The shapes here mirror src/history's HistoryEvent and CheckResult (this layer does not import
 * src/history, which sits beside it: the CLI runs the check and passes the result in). The
 * points are placed greedily: each call in witness order at the earliest instant after its
 * invocation and after the point before it, which lies before its return whenever the order is
 * a linearization at all.
 *
 * Left out: which sequential model was used (the CLI names it in the title and verdict).
 */
import { RunBuilder, assert, type ClientOp, type Run } from './model.js';

export type ViewHistoryEvent =
  | { readonly type: 'invoke'; readonly client: string; readonly input: unknown }
  | { readonly type: 'return'; readonly client: string; readonly output: unknown }
  | { readonly type: 'crash'; readonly client: string };

/** The linearizability checker's result, as much of it as the view shows. */
export type ViewCheckResult =
  | { readonly verdict: 'linearizable'; readonly orders: readonly {
      readonly key: string; readonly order: readonly number[] }[] }
  | { readonly verdict: 'not-linearizable'; readonly key: string;
      readonly prefix: readonly number[]; readonly unplaced: readonly number[];
      readonly deadline: number; readonly explanation: string }
  | { readonly verdict: 'unknown'; readonly reason: string; readonly keys: readonly string[] };

/** How a call is written: `SetVarX("a") -> "a"`; the default is its JSON. */
export type Describe = (input: unknown, output: unknown) => string;

const json: Describe = (input, output) =>
  `${JSON.stringify(input)} -> ${output === null || output === undefined ? '?'
    : JSON.stringify(output)}`;

/** The points of calls taken in `order`, each just after its invocation and its predecessor. */
function placePoints(ops: ClientOp[], order: readonly number[]): void {
  const gap = 1 / (4 * (order.length + 1));
  let at = -1;
  for (const i of order) {
    const op = ops[i];
    assert(op !== undefined, 'a witness order names known calls');
    at = Math.max(at + gap, op.invoke + gap);
    const end = op.ret ?? Number.POSITIVE_INFINITY;
    ops[i] = { ...op, status: 'linearized', point: Math.min(at, end - gap) };
  }
}

/** The Run of a history, with the checker's verdict on it (null: not checked). */
export function historyRun(events: readonly ViewHistoryEvent[], result: ViewCheckResult | null,
  title: string, describe: Describe = json): Run {
  const b = new RunBuilder();
  const inputs = new Map<number, unknown>();
  events.forEach((e, i) => {
    const lane = b.lane(e.client, 'client');
    if (e.type === 'invoke') {
      b.event({ lane, kind: 'invoke', label: `invoke ${JSON.stringify(e.input)}`, line: i + 1,
        slot: null });
      b.invoke(lane, i, '');
      inputs.set(lane, e.input);
    } else if (e.type === 'return') {
      b.event({ lane, kind: 'return', label: `return ${JSON.stringify(e.output)}`, line: i + 1,
        slot: null });
      b.finish(lane, i, describe(inputs.get(lane), e.output));
    } else {
      b.event({ lane, kind: 'crash', label: 'client crash', line: i + 1, slot: null });
      b.finish(lane, null, describe(inputs.get(lane), null));
    }
  });
  const run = b.build({ kind: 'history', title, verdict: 'not checked', slotted: false,
    receives: true });
  // The builder wrote `label -> output`; the describe function already wrote both.
  const ops = run.ops.map((o) => ({ ...o, label: o.label.replace(/^ -> /, '') }));
  if (result === null) return { ...run, ops };
  return withVerdict({ ...run, ops }, result);
}

/**
 * A run whose client calls (in invocation order, as src/history numbers them) were checked:
 * the calls marked, and the check's violation shown unless the run already has one. For traces
 * whose clients logged their calls.
 */
export function withLinearizability(run: Run, result: ViewCheckResult): Run {
  const checked = withVerdict(run, result);
  return { ...checked, verdict: `${run.verdict}; clients: ${checked.verdict}`,
    violation: run.violation ?? checked.violation };
}

function withVerdict(run: Run, result: ViewCheckResult): Run {
  const ops = [...run.ops];
  if (result.verdict === 'unknown') {
    return { ...run, ops, verdict: `unknown (${result.reason}) on keys ${result.keys.join(', ')}` };
  }
  if (result.verdict === 'linearizable') {
    for (const o of result.orders) placePoints(ops, o.order);
    return { ...run, ops, verdict: `linearizable: ${ops.length} calls, every one placed` };
  }
  placePoints(ops, result.prefix);
  for (const i of result.unplaced) ops[i] = { ...ops[i]!, status: 'unplaced' };
  const deadline = ops[result.deadline];
  assert(deadline !== undefined, 'the deadline names a known call');
  const culprits = [...new Set([...result.unplaced, result.deadline])].map((i) => ops[i]!);
  const events = culprits.flatMap((o) => (o.ret === null ? [o.invoke] : [o.invoke, o.ret]));
  const event = deadline.ret ?? deadline.invoke;
  const lines = result.explanation.split('\n');
  return {
    ...run, ops,
    verdict: `not linearizable on key ${result.key}: longest linearizable prefix ` +
      `${result.prefix.length} of ${ops.length} calls`,
    violation: {
      event, rule: 'linearizability', explanation: lines[0] ?? '',
      details: lines.slice(1, 40),
      events, lanes: [...new Set(culprits.map((o) => o.lane))], messages: [],
    },
  };
}
