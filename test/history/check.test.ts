/**
 * checkLinearizable on hand-made histories: each row is a history in the notation of `dsl.ts`
 * and the verdict it must get, with a sentence saying why. Rows with crashed clients check the
 * rule that a call that never returned may or may not have taken effect.
 */
import { describe, expect, it } from 'vitest';
import {
  checkLinearizable,
  ILLEGAL,
  kvRegister,
  writeOnceRegister,
  type CheckResult,
} from '../../src/history/index.js';
import { kv, varX } from './dsl.js';
import { prefixHolds, witnessHolds } from './oracle.js';

type Row = readonly [why: string, history: readonly string[]];

const varXLinearizable: Row[] = [
  ['a single SetVarX returns its own value', ['A set a', 'A -> a']],
  ['a GetVarX before any SetVarX returns empty', ['A get', 'A -> empty']],
  ['concurrent SetVarX calls may both return the first value',
    ['A set a', 'B set b', 'A -> a', 'B -> a']],
  ['concurrent SetVarX calls may both return the second caller\'s value',
    ['A set a', 'B set b', 'B -> b', 'A -> b']],
  ['a later SetVarX returns the value chosen earlier, another client\'s',
    ['A set a', 'A -> a', 'B set b', 'B -> a']],
  ['a GetVarX overlapping a SetVarX may return empty',
    ['A set a', 'B get', 'B -> empty', 'A -> a']],
  ['a GetVarX overlapping a SetVarX may return its value',
    ['A set a', 'B get', 'B -> a', 'A -> a']],
  ['overlapping intervals allow a read of the value that ends up chosen', [
    'A set a', 'B set b', 'C get', 'C -> b', 'A -> b', 'B -> b', 'C get', 'C -> b']],
  ['a crashed SetVarX whose effect is observed later is fine',
    ['A set a', 'A crash', 'B get', 'B -> a']],
  ['a crashed SetVarX that never took effect is fine',
    ['A set a', 'A crash', 'B set b', 'B -> b', 'C get', 'C -> b']],
  ['a crashed SetVarX may take effect after a read that saw empty',
    ['A set a', 'A crash', 'B get', 'B -> empty', 'C get', 'C -> a']],
  ['a call still pending when the history ends may have taken effect',
    ['A set a', 'B set b', 'B -> a']],
  ['a client that crashed may call again', ['A set a', 'A crash', 'A set b', 'A -> a']],
  ['a crashed GetVarX constrains nothing', ['A get', 'A crash', 'B set b', 'B -> b']],
];

const varXNotLinearizable: Row[] = [
  ['two concurrent SetVarX calls return different values',
    ['A set a', 'B set b', 'A -> a', 'B -> b']],
  ['two sequential SetVarX calls return different values',
    ['A set a', 'A -> a', 'B set b', 'B -> b']],
  ['a GetVarX returns empty after a SetVarX returned',
    ['A set a', 'A -> a', 'B get', 'B -> empty']],
  ['a GetVarX reads another value after a completed SetVarX (stale or forked read)',
    ['A set a', 'B set b', 'B crash', 'A -> a', 'C get', 'C -> b']],
  ['a crashed SetVarX whose value is seen, then a GetVarX returns empty', [
    'A set a', 'A crash', 'B get', 'B -> a', 'C get', 'C -> empty']],
  ['a SetVarX returns a value nobody proposed', ['A set a', 'A -> z']],
  ['a SetVarX returns empty', ['A set a', 'A -> empty']],
  ['a GetVarX returns a value before anyone proposed it',
    ['B get', 'B -> a', 'A set a', 'A -> a']],
  ['two sequential reads disagree', ['A set a', 'B set b', 'C get', 'C -> a', 'D get', 'D -> b']],
  ['a value is read, then a later SetVarX returns its own other value',
    ['A set a', 'B get', 'B -> a', 'C set c', 'C -> c']],
];

const kvLinearizable: Row[] = [
  ['a get after a put returns the value put', ['A put 1', 'A -> ok', 'B get', 'B -> 1']],
  ['a get overlapping a put returns the old or the new value',
    ['A put 1', 'A -> ok', 'A put 2', 'B get', 'B -> 1', 'C get', 'C -> 2', 'A -> ok']],
  ['a later put overwrites', ['A put 1', 'A -> ok', 'A put 2', 'A -> ok', 'B get', 'B -> 2']],
  ['a crashed put may be observed later', ['A put 1', 'A crash', 'B get', 'B -> 1']],
  // Two crashed puts of the same value: the earlier stands for the first read of 1, the later
  // takes effect after put 2 for the second.
  ['crashed puts of one value may take effect at different times', ['A put 1', 'A crash',
    'B put 1', 'B crash', 'C get', 'C -> 1', 'D put 2', 'D -> ok', 'E get', 'E -> 1']],
  // The search first tries put 1 then put 2, which the read refutes; the memo must not take
  // the other order, reaching the same set of calls in another state, for the same thing.
  ['concurrent puts may take effect in either order',
    ['A put 1', 'B put 2', 'A -> ok', 'B -> ok', 'C get', 'C -> 1']],
];

const kvNotLinearizable: Row[] = [
  ['a get returns the old value after an overwrite completed',
    ['A put 1', 'A -> ok', 'A put 2', 'A -> ok', 'B get', 'B -> 1']],
  ['a get returns a value never put', ['A put 1', 'A -> ok', 'B get', 'B -> 7']],
  ['a crashed put is observed, then a read sees the key empty again',
    ['A put 1', 'A crash', 'B get', 'B -> 1', 'C get', 'C -> empty']],
];

function expectProof(result: CheckResult, ops: Parameters<typeof witnessHolds>[1]): void {
  expect(result.verdict).toBe('linearizable');
  if (result.verdict === 'linearizable') {
    expect(witnessHolds(writeOnceRegister as never, ops, result.orders)).toBe(true);
  }
}

describe('checkLinearizable with the write-once register (SetVarX/GetVarX)', () => {
  it.each(varXLinearizable)('accepts: %s', (_, rows) => {
    const ops = varX(rows);
    expectProof(checkLinearizable(ops, writeOnceRegister), ops);
  });

  it.each(varXNotLinearizable)('rejects: %s', (_, rows) => {
    const ops = varX(rows);
    const result = checkLinearizable(ops, writeOnceRegister);
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    expect(result.key).toBe('X');
    expect(prefixHolds(writeOnceRegister, ops, 'X', result.prefix)).toBe(true);
    expect(result.unplaced.length).toBeGreaterThan(0);
    expect(result.unplaced).toContain(result.deadline);
  });
});

describe('checkLinearizable with the read/write register (kvRegister)', () => {
  it.each(kvLinearizable)('accepts: %s', (_, rows) => {
    const ops = kv(rows);
    const result = checkLinearizable(ops, kvRegister);
    expect(result.verdict).toBe('linearizable');
    if (result.verdict === 'linearizable') {
      expect(witnessHolds(kvRegister, ops, result.orders)).toBe(true);
    }
  });

  it.each(kvNotLinearizable)('rejects: %s', (_, rows) => {
    expect(checkLinearizable(kv(rows), kvRegister).verdict).toBe('not-linearizable');
  });
});

describe('per-key partitioning (P-compositionality)', () => {
  it('checks each key on its own and returns one order per key, keys sorted', () => {
    const ops = varX(['A set b on Y', 'B set a', 'A -> b', 'B -> a', 'C get on Y', 'C -> b']);
    const result = checkLinearizable(ops, writeOnceRegister);
    expect(result).toMatchObject({ verdict: 'linearizable', orders: [
      { key: 'X', order: [1] }, { key: 'Y', order: [0, 2] }] });
  });

  it('does not let a value chosen for one key answer a read of another', () => {
    const ops = varX(['A set a', 'A -> a', 'B get on Y', 'B -> a']);
    expect(checkLinearizable(ops, writeOnceRegister)).toMatchObject({
      verdict: 'not-linearizable', key: 'Y', prefix: [], unplaced: [1] });
  });

  it('names the broken key when the others are fine', () => {
    const ops = varX(['A set a on Z', 'A -> a', 'B set b on Y', 'B -> b', 'C set c on Y',
      'C -> c', 'D set d', 'D -> d']);
    expect(checkLinearizable(ops, writeOnceRegister)).toMatchObject({
      verdict: 'not-linearizable', key: 'Y' });
  });
});

describe('the explanation of a non-linearizable history', () => {
  it('gives the longest prefix, the calls that cannot follow it, and why', () => {
    const ops = varX(['A set a', 'A -> a', 'B set b', 'C get', 'B -> b', 'C -> a']);
    const result = checkLinearizable(ops, writeOnceRegister);
    expect(result).toMatchObject({
      verdict: 'not-linearizable', key: 'X', prefix: [0, 2], state: '=a', deadline: 1,
      unplaced: [1] });
    if (result.verdict !== 'not-linearizable') return;
    expect(result.explanation).toBe([
      'write-once register (SetVarX/GetVarX): the operations on key \'X\' are not linearizable.',
      'Longest linearizable prefix found (2 operations), leaving state \'=a\':',
      '  #0 A [0, 1] SetVarX("a") -> "a"',
      '  #2 C [3, 5] GetVarX() -> "a"',
      'One of these must come next, since each was invoked before #1 B [2, 4] ' +
        'SetVarX("b") -> "b" returned, but none can:',
      '  #1 B [2, 4] SetVarX("b") -> "b": its result is not legal there',
    ].join('\n'));
  });
});

describe('times and crashed calls', () => {
  const set = { kind: 'set', key: 'X', value: 'a' } as const;
  const get = { kind: 'get', key: 'X' } as const;

  it('treats a return and an invocation at the same time as overlapping', () => {
    const ops = [
      { client: 'A', input: set, output: { value: 'a' }, call: 0, ret: 5 },
      { client: 'B', input: get, output: { value: null }, call: 5, ret: 6 },
    ];
    expect(checkLinearizable(ops, writeOnceRegister).verdict).toBe('linearizable');
    const later = [ops[0]!, { ...ops[1]!, call: 6, ret: 7 }];
    expect(checkLinearizable(later, writeOnceRegister).verdict).toBe('not-linearizable');
  });

  it('lists as unplaced a call invoked at the very time of the deadline\'s return', () => {
    const ops = [
      { client: 'A', input: set, output: { value: 'a' }, call: 0, ret: 1 },
      { client: 'B', input: { ...set, value: 'b' }, output: { value: 'b' }, call: 1, ret: 2 },
      { client: 'C', input: get, output: { value: null }, call: 2, ret: 3 },
    ];
    expect(checkLinearizable(ops, writeOnceRegister)).toMatchObject({
      verdict: 'not-linearizable', prefix: [0], deadline: 1, unplaced: [1, 2] });
  });

  it('places a crashed read at the end of its key\'s order', () => {
    const ops = varX(['A get', 'B set b', 'A crash', 'B -> b']);
    expect(checkLinearizable(ops, writeOnceRegister)).toMatchObject({
      verdict: 'linearizable', orders: [{ key: 'X', order: [1, 0] }] });
  });

  it('rejects malformed times with the operation index and field', () => {
    const bad = [{ client: 'A', input: get, output: null, call: 3, ret: 2 }];
    expect(() => checkLinearizable(bad, writeOnceRegister)).toThrow(
      'operation 0: returns at 2, before its call at 3');
    const nan = [{ client: 'A', input: get, output: null, call: Number.NaN, ret: null }];
    expect(() => checkLinearizable(nan, writeOnceRegister)).toThrow(
      'operation 0: call must be a finite number, got NaN');
  });
});

describe('calls that never returned', () => {
  it('proves a violation among many crashed SetVarX calls in few steps', () => {
    // Sixteen crashed calls could be linearized in 2^16 subsets; once one value is chosen the
    // others change nothing, so the search never tries them.
    const sets = Array.from({ length: 16 }, (_, i) => `C${i} set v${i}`);
    const crashes = Array.from({ length: 16 }, (_, i) => `C${i} crash`);
    const ops = varX([...sets, ...crashes, 'A get', 'A -> v3', 'B get', 'B -> v4']);
    expect(checkLinearizable(ops, writeOnceRegister, { budget: 2_000 })).toMatchObject({
      verdict: 'not-linearizable', deadline: 17, unplaced: [17] });
  });

  it('says in the explanation that crashed calls are left out', () => {
    const result = checkLinearizable(varX(['A set a', 'B set b', 'B crash', 'A -> a', 'C get',
      'C -> b']), writeOnceRegister);
    expect(result).toMatchObject({ prefix: [0], unplaced: [2] });
    expect(result.verdict === 'not-linearizable' && result.explanation).toContain(
      '(Calls that never returned are not listed');
  });

  it('rejects a model that turns down an unknown output', () => {
    const strict = { ...writeOnceRegister, name: 'strict', step: (s: { chosen: string | null },
      input: Parameters<typeof writeOnceRegister.step>[1],
      output: Parameters<typeof writeOnceRegister.step>[2]) =>
      (output === null ? ILLEGAL : writeOnceRegister.step(s, input, output)) };
    expect(() => checkLinearizable(varX(['A set a', 'A crash']), strict)).toThrow(
      'model \'strict\' rejects the unknown output of operation 0 (#0 A [0, -) ' +
      'SetVarX("a") -> ?); a call that never returned may have had any result');
  });
});

describe('the step budget', () => {
  // Four clients set concurrently and all crash, then reads disagree: the search must try many
  // placements of the crashed sets before it can say no.
  const rows = ['A set a', 'B set b', 'C set c', 'D set d', 'A crash', 'B crash', 'C crash',
    'D crash', 'E get', 'E -> a', 'F get', 'F -> b'];

  it('answers unknown, naming the key, when the budget runs out', () => {
    expect(checkLinearizable(varX(rows), writeOnceRegister, { budget: 3 })).toEqual({
      verdict: 'unknown', reason: 'budget-exhausted', keys: ['X'], budget: 3, steps: 3 });
  });

  it('reaches the verdict when the budget suffices', () => {
    expect(checkLinearizable(varX(rows), writeOnceRegister).verdict).toBe('not-linearizable');
  });

  // Key "a": 18 overlapping puts, then a get of a value nobody put: refuting it means trying
  // every subset of the puts (2^18 memo entries). Key "b": a put, then a get that misses it.
  const hard = [
    ...Array.from({ length: 18 }, (_, i) => `P${i} put v${i} on a`),
    'R get on a', 'R -> nobody',
    ...Array.from({ length: 18 }, (_, i) => `P${i} -> ok`),
    'S put x on b', 'S -> ok', 'T get on b', 'T -> empty',
  ];

  it('finds an easy refutation of one key however hard the keys before it', () => {
    const result = checkLinearizable(kv(hard), kvRegister, { budget: 1_000_000 });
    expect(result).toMatchObject({ verdict: 'not-linearizable', key: 'b' });
    // Keys take turns with slices of 1,024 steps: "b" falls in the first round.
    expect(result.steps).toBeLessThan(2 * 1024 + 10);
  });

  it('answers unknown with reason timeout, naming the keys left, when the time runs out', () => {
    const rows = hard.slice(0, -4);
    const result = checkLinearizable(kv(rows), kvRegister, { timeoutMs: 1 });
    expect(result).toMatchObject({ verdict: 'unknown', reason: 'timeout', keys: ['a'],
      timeoutMs: 1 });
  });

  it('rejects a budget that is not a positive whole number', () => {
    expect(() => checkLinearizable([], writeOnceRegister, { budget: 0 })).toThrow(
      'budget must be a positive whole number, got 0');
  });
});
