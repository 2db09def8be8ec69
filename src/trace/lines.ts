/**
 * Splitting a trace file into lines, streaming: bytes in (chunks of any size), numbered lines
 * out. This is where the first kinds of bad input are caught, before any JSON is parsed: a
 * binary file (a NUL byte, or bytes that are not UTF-8), an over-long line (refused as soon as
 * it passes the limit, so a file without newlines cannot make the reader buffer it whole), and
 * a last line cut off without its newline (reported by the decoder if it does not parse).
 *
 * Speed (issue 4, section 7): a chunk that is pure ASCII (almost every trace) is turned into text
 * with Buffer's ASCII copy instead of the UTF-8 decoder, which costs ten times as much; for ASCII
 * the two give the same text, and the decoder is used again, with its state intact, for any
 * chunk that is not ASCII or that follows one ending inside a character. A line is handed first
 * to an optional `fast` handler as a range of the chunk's text, so that the common line is never
 * copied out; when that handler declines, the line is cut out and goes to `onLine` as before.
 *
 * What it leaves out: it does not parse JSON, and it never throws on its input; problems come
 * back as values naming the line.
 */
import { Buffer, isAscii } from 'node:buffer';


/** A problem with the input: the CLI prints it as `file:line: field: message` and exits 2. */
export interface InputProblem {
  readonly line: number;
  /** The field at fault, as a path (`msg.bal`), or null when the whole line is. */
  readonly field: string | null;
  readonly message: string;
}

export function problem(line: number, field: string | null, message: string): InputProblem {
  return { line, field, message };
}

/** Called for each line; return false to stop reading (the checker has its verdict). */
export type LineHandler = (text: string, line: number, last: boolean) => InputProblem | boolean;

/**
 * Offered each complete line that starts with '{', as src[start, end) (no newline, no '\r'):
 * true or false as for LineHandler, or null to decline (the line then goes to the LineHandler).
 */
export type RangeHandler = (src: string, start: number, end: number, line: number) =>
  boolean | null;

export interface LineSplitter {
  /** Feeds a chunk; returns a problem, 'stop' when the handler asked to stop, or null. */
  readonly push: (chunk: Uint8Array | string) => InputProblem | 'stop' | null;
  /** Ends the input: the unterminated last line, if any, goes to the handler. */
  readonly end: () => InputProblem | 'stop' | null;
  /** Lines seen so far (including blank ones). */
  readonly lines: () => number;
}

/**
 * A splitter calling `onLine` for every non-blank line (blank lines are counted, not passed).
 * `\r\n` endings are accepted. `lengthMax` bounds a line, in UTF-16 units. `asciiCopy` false
 * sends every chunk through the decoder (the reference the tests compare the fast path with).
 */
export function createLineSplitter(onLine: LineHandler, lengthMax: number,
  fast: RangeHandler | null = null, asciiCopy = true): LineSplitter {
  let decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let carry = '';
  let lineNo = 0;
  let done = false;
  /** Bytes went through the ASCII copy, and the decoder holds no half character. */
  let started = false;
  let decoderClean = true;

  /**
   * A chunk that is ASCII without NUL, fed as text in pieces below V8's size for external
   * strings (about 1 MB), whose characters are slower to read one by one. Null when the chunk
   * must go through the decoder instead. Cutting ASCII text anywhere is safe, and with no NUL
   * the pieces give the same lines and problems, in the same order, as the whole chunk.
   */
  const feedAscii = (chunk: Uint8Array): InputProblem | 'stop' | null | 'decode' => {
    if (!asciiCopy || !decoderClean || chunk.length === 0 || !isAscii(chunk)
      || chunk.indexOf(0) !== -1) {
      return 'decode';
    }
    started = true;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < bytes.length; i += PIECE_BYTES) {
      const r = feed(bytes.toString('ascii', i, Math.min(bytes.length, i + PIECE_BYTES)));
      if (r !== null) return r;
    }
    return null;
  };

  /** The chunk through the decoder (it holds a character cut between chunks). */
  const decode = (chunk: Uint8Array): string => {
    // After ASCII copies the stream is no longer at its start: a BOM now is a character.
    if (started && decoderClean) decoder = new TextDecoder('utf-8', { fatal: true,
      ignoreBOM: true });
    const text = decoder.decode(chunk, { stream: true });
    started ||= chunk.length > 0;
    decoderClean = chunk.length === 0 ? decoderClean : (chunk[chunk.length - 1] as number) < 128;
    return text;
  };

  /** A whole line inside `text`, offered to `fast` without copying it out. */
  const deliverRange = (text: string, start: number, nl: number): InputProblem | 'stop' | null => {
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (fast === null || end - start > lengthMax || text.charCodeAt(start) !== 123) {
      return deliver(text.slice(start, nl), false);
    }
    const r = fast(text, start, end, lineNo + 1);
    if (r === null) return deliver(text.slice(start, nl), false);
    lineNo++;
    return r ? null : 'stop';
  };

  const deliver = (raw: string, last: boolean): InputProblem | 'stop' | null => {
    lineNo++;
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (text.length > lengthMax) return tooLong(lineNo, lengthMax);
    // A line that starts with '{' (almost all) is not blank; only others need the scan.
    if (text.charCodeAt(0) !== 123 && isBlank(text)) return null;
    const r = onLine(text, lineNo, last);
    if (r === false) return 'stop';
    return r === true ? null : r;
  };

  const feed = (text: string): InputProblem | 'stop' | null => {
    if (text.includes('\u0000')) return binary(lineNo + 1 + countNewlines(carry + text.slice(0,
      text.indexOf('\u0000'))));
    let start = 0;
    let buffered = carry;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      const r = buffered.length > 0 ? deliver(buffered + text.slice(start, nl), false)
        : deliverRange(text, start, nl);
      buffered = '';
      if (r !== null) return r;
      start = nl + 1;
    }
    carry = buffered + text.slice(start);
    if (carry.length > lengthMax + 1) return tooLong(lineNo + 1, lengthMax);
    return null;
  };

  return {
    push: (chunk) => {
      if (done) return null;
      let text: string;
      if (typeof chunk === 'string') text = chunk;
      else {
        const ascii = feedAscii(chunk);
        if (ascii !== 'decode') {
          if (ascii !== null) done = true;
          return ascii;
        }
        try {
          text = decode(chunk);
        } catch {
          done = true;
          return binary(lineNo + 1 + countNewlines(carry) + newlinesBeforeInvalid(chunk));
        }
      }
      const r = feed(text);
      if (r !== null) done = true;
      return r;
    },
    end: () => {
      if (done) return null;
      done = true;
      let tail: string;
      try {
        tail = decoder.decode();
      } catch {
        return binary(lineNo + 1);
      }
      const rest = carry + tail;
      carry = '';
      if (rest.length === 0) return null;
      return deliver(rest, true);
    },
    lines: () => lineNo,
  };
}

/** Text pieces stay below V8's external-string size (0xFBEE9 bytes). */
const PIECE_BYTES = 1 << 19;

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Newlines in a chunk before its first byte that is not UTF-8 (to name the right line). */
function newlinesBeforeInvalid(chunk: Uint8Array): number {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(chunk);
  const bad = text.indexOf('\uFFFD');
  return countNewlines(bad === -1 ? text : text.slice(0, bad));
}

function tooLong(line: number, lengthMax: number): InputProblem {
  return problem(line, null, `the line is longer than ${lengthMax} characters ` +
    '(one event per line; is this a trace in synod.trace format?)');
}

function binary(line: number): InputProblem {
  return problem(line, null, 'this is not UTF-8 text (a NUL byte or an invalid byte sequence): ' +
    'is it a binary file?');
}
