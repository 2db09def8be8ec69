/**
 * Runs the `synod` command in-process, as the CLI tests do: the exit code and what it printed.
 * One helper for every suite, so they all exercise the same entry point (src/cli/main.ts).
 */
import { bufferIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

export interface SynodRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function synod(...args: string[]): Promise<SynodRun> {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}
