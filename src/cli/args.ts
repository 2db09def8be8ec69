/**
 * Flag parsing shared by every subcommand: Node's own `util.parseArgs` does the splitting, and
 * the helpers here turn strings into bounded integers with messages that name the flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `args` against `options`, turning Node's parse errors into UsageErrors. */
export function parseFlags<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new UsageError(`synod ${command}: ${message.replace(/\. To specify.*$/s, '')}`);
  }
}

/**
 * Reads an integer flag within [min, max]. `raw` undefined yields the default. The message names
 * the flag, the value given and the range allowed.
 */
export function intFlag(
  command: string,
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  // Digits only, as written: ' 3 ', '+3', '0x1', '1e3' and '3.0' are refused, not read loosely.
  if (!/^-?\d+$/.test(raw)) {
    throw new UsageError(`synod ${command}: --${flag} must be a whole number, got '${raw}'`);
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `synod ${command}: --${flag} must be between ${min} and ${max}, got ${raw}`,
    );
  }
  return value;
}
