/**
 * Generators for the trace benchmark (test/bench/trace.ts): a fully logged run of Paxos on three
 * acceptors, ballot after ballot, as a stream of text chunks, and a partial one (only 2a and 2b
 * sends and learns). Every ballot's leader learns the earlier vote from the 1b messages and
 * proposes it again, so the runs are valid and the checker has to do all of its work.
 */

const ACC = ['s1', 's2', 's3'];

/**
 * How a generated trace writes its lines: the spec's message names (1a..2b) or the classic ones
 * (prepare, promise, accept, accepted); ballots as numbers or as [round, "proposer"] pairs; and
 * with `extensions`, an "x-" message (a client request, a timer) after every spec event.
 */
export interface TraceStyle {
  readonly names: 'spec' | 'classic';
  readonly ballots: 'numbers' | 'pairs';
  readonly extensions: boolean;
}

export const SPEC_STYLE: TraceStyle = { names: 'spec', ballots: 'numbers', extensions: false };

const CLASSIC = { '1a': 'prepare', '1b': 'promise', '2a': 'accept', '2b': 'accepted' } as const;

/**
 * About `events` events (a whole number of ballots), in chunks of about 1 MiB. With
 * `ballotsMax`, after that many ballots the run goes round them again, resending and receiving
 * the same messages (retransmissions, no new state): a long trace over a bounded spec state.
 * Every style writes the same run: the same spec steps, the same verdict.
 */
export function* fullTrace(events: number, ballotsMax = Infinity,
  style: TraceStyle = SPEC_STYLE): Generator<string> {
  const proposers = style.ballots === 'pairs' ? { proposers: ACC } : {};
  yield `${JSON.stringify({ format: 'synod.trace', version: 1, cluster: { acceptors: ACC,
    quorums: 'majority', ...proposers }, provenance: { implementation: 'synod bench generator' } })}\n`;
  let out: string[] = [];
  let size = 0;
  let n = 0;
  const emit = (line: string): void => {
    out.push(line);
    size += line.length;
    n++;
    if (style.extensions) {
      const x = `{"ev":"recv","node":"s1","msg":{"type":"x-request","client":"c1","seq":${n},` +
        `"op":"SetVarX"}}\n`;
      out.push(x);
      size += x.length;
      n++;
    }
  };
  const type = (t: keyof typeof CLASSIC): string => (style.names === 'spec' ? t : CLASSIC[t]);
  // Pairs keep the numbers' order: [b, leader of b] is b * 3 + (b mod 3) in the spec's numbers.
  const bal = (b: number): string => (style.ballots === 'numbers' || b === -1 ? String(b)
    : `[${b},"${ACC[b % 3] as string}"]`);
  for (let i = 0; n < events; i++) {
    const b = i % ballotsMax;
    const again = i >= ballotsMax;
    const vote = b === 0 ? null : { bal: b - 1, val: 'v0' };
    const leader = ACC[b % 3] as string;
    const val: string = vote === null ? `v${b}` : vote.val;
    const B = bal(b);
    emit(`{"ev":"send","node":"${leader}","msg":{"type":"${type('1a')}","bal":${B}}}\n`);
    for (const a of ACC) {
      emit(`{"ev":"recv","node":"${a}","msg":{"type":"${type('1a')}","bal":${B}}}\n`);
      const mb = bal(vote === null ? -1 : vote.bal);
      const mv = vote === null ? 'null' : `"${vote.val}"`;
      if (!again) emit(`{"ev":"persist","node":"${a}","maxBal":${B},"maxVBal":${mb},"maxVal":${mv}}\n`);
      const m1b = `{"type":"${type('1b')}","acc":"${a}","bal":${B},"mbal":${mb},"mval":${mv}}`;
      emit(`{"ev":"send","node":"${a}","msg":${m1b}}\n`);
      emit(`{"ev":"recv","node":"${leader}","msg":${m1b}}\n`);
    }
    emit(`{"ev":"send","node":"${leader}","msg":{"type":"${type('2a')}","bal":${B},"val":"${val}"}}\n`);
    for (const a of ACC) {
      emit(`{"ev":"recv","node":"${a}","msg":{"type":"${type('2a')}","bal":${B},"val":"${val}"}}\n`);
      if (!again) emit(`{"ev":"persist","node":"${a}","maxBal":${B},"maxVBal":${B},"maxVal":"${val}"}\n`);
      const m2b = `{"type":"${type('2b')}","acc":"${a}","bal":${B},"val":"${val}"}`;
      emit(`{"ev":"send","node":"${a}","msg":${m2b}}\n`);
      emit(`{"ev":"recv","node":"${leader}","msg":${m2b}}\n`);
    }
    emit(`{"ev":"learn","node":"${leader}","val":"${val}"}\n`);
    if (size > 1 << 20) {
      yield out.join('');
      out = [];
      size = 0;
    }
  }
  if (out.length > 0) yield out.join('');
}

/** A partial trace of about `events` lines: only 2a sends, one 2b send per ballot, and learns. */
export function partialTrace(events: number): string {
  const lines = [JSON.stringify({ format: 'synod.trace', version: 1, cluster: { acceptors: ACC },
    partial: true })];
  for (let b = 0; lines.length <= events; b++) {
    lines.push(`{"ev":"send","node":"${ACC[b % 3]}","msg":{"type":"2a","bal":${b},"val":"v0"}}`);
    lines.push(`{"ev":"recv","node":"${ACC[(b + 1) % 3]}","msg":{"type":"2a","bal":${b},"val":"v0"}}`);
    lines.push(`{"ev":"send","node":"${ACC[(b + 1) % 3]}","msg":{"type":"2b","acc":"${ACC[(b + 1) % 3]}","bal":${b},"val":"v0"}}`);
    if (b % 5 === 4) lines.push(`{"ev":"learn","node":"${ACC[b % 3]}","val":"v0"}`);
  }
  return `${lines.join('\n')}\n`;
}
