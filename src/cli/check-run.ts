/**
 * What `synod check reconfig` and `synod check multipaxos` share once their flags are parsed:
 * the state cap (within what a typed array holds), progress on stderr, timing, the
 * counterexample file, the verdict's common JSON fields and human lines, and the exit code
 * (0 ok, 1 violation or vacuous, 3 when the cap ran out). Left out: flags and the model-specific
 * parts of the reports, which each command supplies.
 */
import { writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CheckResult, Progress } from '../checker/engine.js';
import { EXIT_OK, EXIT_UNKNOWN, EXIT_VIOLATION, UsageError, type Io } from './io.js';

export const fmt = (n: number): string => n.toLocaleString('en-US');

export interface CommonFlags {
  readonly json: boolean;
  readonly progress: boolean;
  readonly counterexample: string | null;
  readonly maxStates: number;
}

/** One command's model check and reports. */
export interface CheckRun<C extends { readonly result: CheckResult }> {
  readonly cmd: string;
  readonly words: number;
  readonly run: (maxStates: number, onProgress: ((p: Progress) => void) | undefined) => C;
  readonly human: (c: C, seconds: number, file: string | null) => string;
  readonly json: (c: C, seconds: number, file: string | null) => string;
  readonly counterexample: (c: C) => string;
}

export async function runCheck<C extends { readonly result: CheckResult }>(
  r: CheckRun<C>, flags: CommonFlags, io: Io,
): Promise<number> {
  // The store's chunks have no size limit of their own: keep the states (their words, the hash
  // slots at least a quarter full, the parent and label columns) within half the memory.
  const statesMax = Math.min(flags.maxStates, Math.floor(totalmem() / 2 / (4 * r.words + 40)));
  const start = performance.now();
  const c = r.run(statesMax, io.errIsTTY || flags.progress ? progressReporter(io) : undefined);
  const seconds = (performance.now() - start) / 1000;
  let file: string | null = null;
  if (c.result.verdict === 'violation' && flags.counterexample !== null) {
    file = flags.counterexample;
    try {
      writeFileSync(file, r.counterexample(c));
    } catch (e) {
      throw new UsageError(`synod ${r.cmd}: --counterexample: cannot write ${file}: ` +
        `${(e as Error).message}`);
    }
  }
  io.out(flags.json ? r.json(c, seconds, file) : r.human(c, seconds, file));
  if (c.result.verdict === 'incomplete') {
    io.err(`synod ${r.cmd}: stopped after ${fmt(c.result.distinctStates)} states (` +
      `${statesMax < flags.maxStates ? `the most that fit in half the memory here`
        : '--max-states'}); no verdict: lower the bounds or raise --max-states\n`);
    return EXIT_UNKNOWN;
  }
  return c.result.verdict === 'ok' ? EXIT_OK : EXIT_VIOLATION;
}

/** The verdict fields every synod.check/v1 object ends with. */
export function verdictFields(r: CheckResult, seconds: number, file: string | null): object {
  return {
    verdict: r.verdict,
    distinctStates: r.distinctStates,
    generatedStates: r.generatedStates,
    depth: r.depth,
    seconds: Number(seconds.toFixed(3)),
    generatedPerSecond: Math.round(r.generatedStates / Math.max(seconds, 1e-3)),
    violation: r.violation,
    counterexample: r.verdict === 'violation'
      ? r.trace.map((t) => ({ action: t.action, change: t.change, state: t.state })) : null,
    counterexampleFile: file,
    unreached: r.unreached,
  };
}

/** The verdict in human lines; `witness` writes a violation's witness in protocol terms. */
export function verdictLines(r: CheckResult, figures: string, file: string | null,
  witness: (w: unknown) => string, width: number): string[] {
  switch (r.verdict) {
    case 'ok': return [`OK: every property holds. ${figures}`];
    case 'vacuous':
      return [`VACUOUS: never reached ${r.unreached.join(', ')}, so the properties they ` +
        `partner prove nothing. ${figures}`];
    case 'incomplete': return [`UNKNOWN: stopped at --max-states. ${figures}`];
    case 'violation': {
      const v = r.violation!;
      return [
        `VIOLATION of ${v.property}: ${v.summary}`,
        `  witness: ${witness(v.witness)}`,
        `shortest counterexample, ${r.trace.length} states:`,
        ...r.trace.map((t, i) =>
          `  ${String(i + 1).padStart(3)}  ${(t.action ?? 'Init').padEnd(width)} ${t.change}`),
        ...(file === null ? [] : [`counterexample written to ${file} (JSON lines)`]),
        figures,
      ];
    }
  }
}

/** A counterexample as JSON lines: a header, then one line per state, the initial first. */
export function counterexampleJsonLines(format: string, settings: string, r: CheckResult): string {
  const header = { format, settings, violation: r.violation };
  const states = r.trace.map((t, i) =>
    ({ state: i + 1, action: t.action ?? 'Init', change: t.change, vars: t.state }));
  return [header, ...states].map((x) => `${JSON.stringify(x)}\n`).join('');
}

export function progressReporter(io: Io): (p: Progress) => void {
  const start = performance.now();
  let last = -Infinity;
  return (p) => {
    const now = performance.now();
    if (now - last < 1000) return;
    last = now;
    const rate = p.generatedStates / Math.max((now - start) / 1000, 1e-3);
    io.err(`progress: ${fmt(p.distinctStates)} states, ${fmt(Math.round(rate))} generated/s, ` +
      `depth ${p.depth}, queue ${fmt(p.queue)}\n`);
  };
}

/** The words of the model's packed state; bounds the model refuses are a usage error. */
export function stateWords(cmd: string, words: () => number): number {
  try {
    return words();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UsageError(`synod ${cmd}: bounds: ${e.message}`);
  }
}
