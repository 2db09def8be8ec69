/**
 * Merging per-node logs into one trace (`synod trace merge`, `synod trace check --merge`): each
 * server of a real cluster writes its own log, with no clock shared with the others, and the
 * checker needs one order of all events. Any order that keeps every node's own order and puts
 * every send before the receives of its message is a run the nodes could have made (Lamport's
 * happened-before, with nothing else assumed), so the merge builds one such order:
 *
 *   take a node and emit its lines in order until its next line receives a message no emitted
 *   line has sent; park it on that message; a send wakes the nodes parked on its message.
 *
 * When every remaining node is parked, some receive has no send in any log before it: that
 * receive is reported (file, line, message) and emitted anyway, so that the checker, reading the
 * merged trace, rejects it with rule `recv` at its merged line. Messages are matched by their
 * JSON text as logged (`"msg":{...}`): a receiver must log the message as its sender did.
 *
 * The headers must agree on the cluster; the merged header is the first file's, without `node`,
 * with the merged files named in provenance. Memory: one chunk per file and the set of messages
 * sent (one string per distinct message). Lines are read in chunks, never parsed whole: the merge
 * looks only at `"ev"` and the `msg` object's text.
 *
 * Left out: client calls logged on different nodes keep no real-time order between them (no
 * clocks), so a merged trace's calls are not judged linearizable (the CLI says so).
 */

export interface LogSource {
  readonly name: string;
  readonly chunks: AsyncIterable<Uint8Array | string>;
}

export interface Unmatched {
  readonly file: string;
  readonly line: number;
  readonly msg: string;
  /** The line of the merged trace where it was put. */
  readonly mergedLine: number;
}

export interface MergeReport {
  readonly events: number;
  readonly unmatched: readonly Unmatched[];
  /** A problem with the input (exit 2): file and line. */
  readonly problem: { readonly file: string; readonly line: number; readonly message: string }
    | null;
}

/** One node's log, read a chunk at a time, with its lines buffered. */
class NodeLog {
  lines: string[] = [];
  at = 0;
  /** The source line number of lines[at]. */
  lineNo = 0;
  done = false;
  private carry = '';
  private readonly it: AsyncIterator<Uint8Array | string>;
  private readonly decoder = new TextDecoder('utf-8');
  constructor(readonly name: string, chunks: AsyncIterable<Uint8Array | string>) {
    this.it = chunks[Symbol.asyncIterator]();
  }

  /** The next line when it is buffered (undefined: call `peek`), without awaiting. */
  peekBuffered(): string | undefined {
    const l = this.lines[this.at];
    return l !== undefined && l.length > 0 && l.charCodeAt(0) === 123 ? l : undefined;
  }

  /** The next non-blank line, or null at the end. */
  async peek(): Promise<string | null> {
    for (;;) {
      while (this.at < this.lines.length) {
        if ((this.lines[this.at] as string).trim() !== '') return this.lines[this.at] as string;
        this.at++;
        this.lineNo++;
      }
      if (this.done) return null;
      await this.fill();
    }
  }

  next(): void {
    this.at++;
    this.lineNo++;
  }

  private async fill(): Promise<void> {
    const r = await this.it.next();
    let text: string;
    if (r.done === true) {
      this.done = true;
      text = this.carry + this.decoder.decode();
      this.carry = '';
      this.lines = text === '' ? [] : [text];
    } else {
      text = this.carry + (typeof r.value === 'string' ? r.value
        : this.decoder.decode(r.value, { stream: true }));
      const cut = text.lastIndexOf('\n');
      this.carry = cut === -1 ? text : text.slice(cut + 1);
      this.lines = cut === -1 ? [] : text.slice(0, cut).split('\n');
    }
    this.at = 0;
  }
}

/** The kind of a line and its message's text: sends and receives only; null for the rest. */
export function messageOf(line: string): { recv: boolean; key: string } | null {
  const ev = line.indexOf('"ev":"');
  if (ev === -1) return null;
  const recv = line.startsWith('recv"', ev + 6);
  if (!recv && !line.startsWith('send"', ev + 6)) return null;
  const at = line.indexOf('"msg":{');
  if (at === -1) return null;
  let depth = 0;
  let inString = false;
  for (let i = at + 6; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return { recv, key: line.slice(at + 6, i + 1) };
  }
  return null;
}

/** Merges the logs, writing the merged trace's lines (newline included) to `out`. */
export async function mergeLogs(sources: readonly LogSource[],
  out: (line: string) => void): Promise<MergeReport> {
  const logs = sources.map((s) => new NodeLog(s.name, s.chunks));
  const header = await mergedHeader(logs);
  if (typeof header !== 'string') return { events: 0, unmatched: [], problem: header };
  out(`${header}\n`);
  let merged = 1;
  const sent = new Set<string>();
  const parked = new Map<string, NodeLog[]>();
  const ready: NodeLog[] = [...logs];
  const unmatched: Unmatched[] = [];
  let live = logs.length;
  while (live > 0) {
    let log = ready.shift();
    if (log === undefined) {
      // Every node waits for a message no log has sent: report the first such receive.
      const [key, waiting] = parked.entries().next().value as [string, NodeLog[]];
      parked.delete(key);
      log = waiting.shift() as NodeLog;
      if (waiting.length > 0) parked.set(key, waiting);
      unmatched.push({ file: log.name, line: log.lineNo + 1, msg: key, mergedLine: merged + 1 });
      sent.add(key);
      ready.push(...waiting);
      parked.delete(key);
    }
    // Awaiting costs a microtask per line: read buffered lines synchronously (speed, issue 10).
    for (let line = log.peekBuffered() ?? await log.peek(); ;
      line = log.peekBuffered() ?? await log.peek()) {
      if (line === null) {
        live--;
        break;
      }
      const m = messageOf(line);
      if (m !== null && m.recv && !sent.has(m.key)) {
        const list = parked.get(m.key);
        if (list === undefined) parked.set(m.key, [log]);
        else list.push(log);
        break;
      }
      if (m !== null && !m.recv && !sent.has(m.key)) {
        sent.add(m.key);
        const woken = parked.get(m.key);
        if (woken !== undefined) {
          parked.delete(m.key);
          ready.push(...woken);
        }
      }
      out(`${line}\n`);
      merged++;
      log.next();
    }
  }
  return { events: merged - 1, unmatched, problem: null };
}

/** The merged header, or the problem: every file starts with a header of the same cluster. */
async function mergedHeader(logs: readonly NodeLog[]): Promise<string | {
  file: string; line: number; message: string }> {
  let first: Record<string, unknown> | null = null;
  for (const log of logs) {
    const text = await log.peek();
    let h: unknown;
    try {
      h = text === null ? null : JSON.parse(text);
    } catch {
      h = null;
    }
    const rec = h as Record<string, unknown> | null;
    if (rec === null || typeof rec !== 'object' || rec['format'] !== 'synod.trace') {
      return { file: log.name, line: log.lineNo + 1, message: 'the first line must be a ' +
        'synod.trace header' };
    }
    if (first !== null && (JSON.stringify(rec['cluster']) !== JSON.stringify(first['cluster'])
      || rec['version'] !== first['version'])) {
      return { file: log.name, line: log.lineNo + 1, message: `its header's version or cluster ` +
        `differs from ${logs[0]!.name}'s: the logs are not of one run` };
    }
    first ??= rec;
    log.next();
  }
  const { node: _node, ...rest } = first as Record<string, unknown>;
  const provenance = { ...(rest['provenance'] as object | undefined),
    merged: logs.map((l) => l.name) };
  return JSON.stringify({ ...rest, provenance });
}
