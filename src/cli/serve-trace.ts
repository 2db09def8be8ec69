/**
 * `synod serve --trace FILE`: the server's own log in trace format v2 (docs/trace-format.md),
 * for `synod trace check --merge s1.jsonl s2.jsonl ...` after a real run.
 *
 * The reducer's steps are written by the same mapping the simulator's per-node logs use
 * (src/sim/multipaxos/trace.ts), so a real server and a simulated one log alike. Client calls:
 * an `invoke` when the server takes a request into its log or read path (a request it only
 * redirects to the leader is not logged here: the leader logs it when it arrives there), a
 * `return` when it answers one it logged. A turn's lines are written with one write(2) once its
 * records are durable and before its sends leave, so the trace never shows a persist the disk
 * lacks, and a kill -9 loses nothing the server did; no fsync (the trace is evidence, not
 * state). A restarted server appends to its file (one header at the top).
 *
 * Left out: single-decree servers (`--protocol paxos`), whose traces `synod simulate --trace`
 * shows; the clock (v2 lines need none: order is the file's, and merging uses messages).
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import type { Input, Op, ServerState, StepResult } from '../multipaxos/index.js';
import type { StepObserver } from '../net/protocol.js';
import { mpTraceObserver } from '../sim/multipaxos/trace.js';
import { serverName } from '../sim/multipaxos/world.js';
import { UsageError } from './io.js';

export interface ServerTrace {
  readonly onStep: StepObserver<ServerState, Input, StepResult['effects'][number]>;
  /** Writes the lines of the turn whose records just became durable. */
  readonly flush: () => void;
  readonly close: () => void;
}

export function serverTrace(file: string, id: number, servers: number): ServerTrace {
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (e) {
    throw new UsageError(`synod serve: --trace ${file}: ` +
      `${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let skipHeader = fstatSync(fd).size > 0;
  const me = serverName(id);
  let pending: string[] = [];
  const sink = (line: string) => {
    if (skipHeader) skipHeader = false;
    else pending.push(line);
  };
  const flush = () => {
    if (pending.length === 0) return;
    writeSync(fd, pending.join(''));
    pending = [];
  };
  const observer = mpTraceObserver(
    // Membership commands (`synod kv add-server`) are logged as config lines; every server
    // starts as a member, and alpha is serverConfig's.
    { servers, seed: 0, perNode: true, implementation: 'synod serve',
      reconfig: { alpha: 8, members: 2 ** servers - 1 } },
    (node) => (node === me ? sink : () => undefined));
  flush(); // the header, when the file is new
  const open = new Map<string, Op>();
  const key = (client: number, seq: number) => `${client}:${seq}`;
  let index = 0;
  return {
    onStep: (before, input, result) => {
      if (input.kind === 'request') {
        const { client, seq, op } = input.req.cmd;
        const redirected = result.effects.some((e) => e.kind === 'reply' && e.out === null);
        if (!redirected && !open.has(key(client, seq))) {
          open.set(key(client, seq), op);
          observer.onEvent({ kind: 'invoke', index, client, seq, op, server: id });
        }
      }
      observer.onEvent({ kind: 'server-step', step: {
        // The runtime's Protocol types a step's result as {state, effects}; the Multi-Paxos
        // adapter's step is the reducer's own, whose result also names its outcome.
        index: index++, server: id, input, before, result: result as StepResult,
        applied: result.effects.length,
        disk: result.state.durable,
      } });
      for (const e of result.effects) {
        const op = e.kind === 'reply' && e.out !== null ? open.get(key(e.client,
          e.seq)) : undefined;
        if (e.kind !== 'reply' || e.out === null || op === undefined) continue;
        open.delete(key(e.client, e.seq));
        observer.onEvent({ kind: 'return', index, client: e.client, seq: e.seq, op, out: e.out,
          server: id });
      }
    },
    flush,
    close: () => {
      flush();
      closeSync(fd);
    },
  };
}
