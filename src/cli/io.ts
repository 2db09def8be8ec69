/**
 * The command line's contact with the outside world, kept behind one small interface so that
 * every subcommand can be run in-process by the tests (and by `npm start`) with captured output.
 *
 * Exit codes follow DESIGN.md: 0 verified / accepted, 1 a property violated or a trace
 * rejected, 2 bad usage or unreadable input, 3 unknown (a search budget or time limit ran out
 * before a verdict: never a guessed one). Anything else is a bug.
 */

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
/** No verdict within the budget: neither accepted nor rejected (DESIGN.md, "Command line"). */
export const EXIT_UNKNOWN = 3;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** True when stderr is a terminal; progress is shown only then or with `--progress`. */
  readonly errIsTTY: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
};

/** An Io that records everything, for tests and for composing commands. */
export function bufferIo(): Io & { readonly stdout: () => string; readonly stderr: () => string } {
  const outChunks: string[] = [];
  const errChunks: string[] = [];
  return {
    out: (text) => void outChunks.push(text),
    err: (text) => void errChunks.push(text),
    errIsTTY: false,
    stdout: () => outChunks.join(''),
    stderr: () => errChunks.join(''),
  };
}

/**
 * Bad usage or unreadable input. The message must name what was wrong: the flag, or the file,
 * line and field. The CLI prints it and exits 2, never with a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A subcommand: parses its own arguments and returns an exit code. */
export type Command = (args: readonly string[], io: Io) => Promise<number>;
