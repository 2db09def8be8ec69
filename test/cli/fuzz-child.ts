/**
 * The child process of the hostile-input fuzz test (fuzz.test.ts): runs `synod` in-process for
 * each case the parent sends over IPC, one at a time, and answers with the exit code, the start
 * of what it printed, whether `main` threw, and this process's memory after the case. The
 * parent runs it with a heap limit and a watchdog, so that a case that exhausts memory or hangs
 * fails the test, naming the case, instead of taking the test runner down with it.
 */
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface FuzzCase { readonly i: number; readonly argv: readonly string[] }
export interface FuzzAnswer {
  readonly i: number;
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly threw: string | null;
  /** Resident memory after the case, in MiB. */
  readonly rssMiB: number;
}

const cut = (s: string): string => (s.length > 4000 ? `${s.slice(0, 4000)}...` : s);

process.on('message', (c: FuzzCase) => {
  void (async () => {
    const io = bufferIo();
    let code = -1;
    let threw: string | null = null;
    try {
      code = await main([...c.argv], io);
    } catch (e) {
      threw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const answer: FuzzAnswer = { i: c.i, code, out: cut(io.stdout()), err: cut(io.stderr()),
      threw, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) };
    process.send?.(answer);
  })();
});
process.send?.({ ready: true });
