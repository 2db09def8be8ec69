/**
 * The pages the browser tests open and the screenshot script draws, each built from a real
 * verdict: a trace the trace checker rejects (R1), the model checker's shortest counterexample
 * to Consistency for a broken Phase2a (it ignores the votes reported in 1b), a Multi-Paxos
 * simulator run, and a client history that is not linearizable.
 */
import { readFileSync } from 'node:fs';
import { checkPaxos, type PaxosCheckSettings } from '../../src/checker/paxos-check.js';
import { counterexampleLines } from '../../src/checker/models/paxos-trace.js';
import { specProperties } from '../../src/checker/models/paxos-properties.js';
import { counterexampleView, renderHistoryPage, traceView } from '../../src/cli/view.js';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import {
  checkLinearizable, operationsFromEvents, writeOnceRegister, type HistoryEvent,
  type WriteOnceInput, type WriteOnceOutput,
} from '../../src/history/index.js';
import { renderPage } from '../../src/viz/page.js';
import type { Violation } from '../../spec/properties.js';
import * as M from '../checker/mutants.js';

const root = new URL('../../', import.meta.url);

/** traces/invalid/r1-vote-below-promise.jsonl: rejected at line 9 for R1. */
export async function rejectedTracePage(): Promise<string> {
  const file = 'traces/invalid/r1-vote-below-promise.jsonl';
  const text = readFileSync(new URL(file, root), 'utf8');
  return renderPage(await traceView(text, file, 'trace'));
}

/** The shortest counterexample to Consistency when Phase2a ignores the votes in 1b. */
export function counterexamplePage(): string {
  const settings: PaxosCheckSettings = { acceptors: 3, values: 2, maxBallot: 1, quorums: null,
    symmetry: false, refinement: false, model: 'readable', impl: M.phase2aIgnoresVotes,
    properties: { state: specProperties.state.filter((p) => p.name === 'Consistency'), step: [],
      reachability: [] } };
  const check = checkPaxos(settings);
  const r = check.result;
  if (r.violation === null) throw new Error('the mutant must break Consistency');
  const lines = counterexampleLines(check.constants, r.trace, r.violation);
  return renderPage(counterexampleView(lines, r.violation as Violation,
    'synod check paxos: Phase2a ignoring the votes reported in 1b'));
}

/** `synod simulate multipaxos --seed 3 --steps 120 --html FILE`, through the CLI. */
export async function multiPaxosPage(file: string): Promise<string> {
  const io = bufferIo();
  const code = await main(['simulate', 'multipaxos', '--seed', '3', '--steps', '120', '--html',
    file], io);
  if (code !== 0) throw new Error(`simulate multipaxos exited ${code}: ${io.stderr()}`);
  return readFileSync(file, 'utf8');
}

type E = HistoryEvent<WriteOnceInput, WriteOnceOutput>;

/** A SetVarX that returned "a", then a GetVarX that saw nothing: a stale read. */
export function historyPage(): string {
  const events: E[] = [
    { type: 'invoke', client: 'A', input: { kind: 'set', key: 'X', value: 'a' } },
    { type: 'invoke', client: 'C', input: { kind: 'get', key: 'X' } },
    { type: 'return', client: 'C', output: { value: null } },
    { type: 'return', client: 'A', output: { value: 'a' } },
    { type: 'invoke', client: 'B', input: { kind: 'get', key: 'X' } },
    { type: 'return', client: 'B', output: { value: null } },
  ];
  const result = checkLinearizable(operationsFromEvents(events), writeOnceRegister);
  return renderHistoryPage(events, result, writeOnceRegister, 'a stale read of X');
}
