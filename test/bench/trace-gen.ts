/**
 * Generators for the trace benchmark (test/bench/trace.ts): a fully logged run of Paxos on three
 * acceptors, ballot after ballot, as a stream of text chunks, and a partial one (only 2a and 2b
 * sends and learns). Every ballot's leader learns the earlier vote from the 1b messages and
 * proposes it again, so the runs are valid and the checker has to do all of its work.
 */

const ACC = ['s1', 's2', 's3'];

/**
 * About `events` events (a whole number of ballots), in chunks of about 1 MiB. With
 * `ballotsMax`, after that many ballots the run goes round them again, resending and receiving
 * the same messages (retransmissions, no new state): a long trace over a bounded spec state.
 */
export function* fullTrace(events: number, ballotsMax = Infinity): Generator<string> {
  yield `${JSON.stringify({ format: 'synod.trace', version: 1, cluster: { acceptors: ACC, quorums: 'majority' },
    provenance: { implementation: 'synod bench generator' } })}\n`;
  let out: string[] = [];
  let size = 0;
  let n = 0;
  let vote: { bal: number; val: string } | null;
  const emit = (line: string): void => {
    out.push(line);
    size += line.length;
    n++;
  };
  for (let i = 0; n < events; i++) {
    const b = i % ballotsMax;
    const again = i >= ballotsMax;
    vote = b === 0 ? null : { bal: b - 1, val: 'v0' };
    const leader = ACC[b % 3] as string;
    const val: string = vote === null ? `v${b}` : vote.val;
    emit(`{"ev":"send","node":"${leader}","msg":{"type":"1a","bal":${b}}}\n`);
    for (const a of ACC) {
      emit(`{"ev":"recv","node":"${a}","msg":{"type":"1a","bal":${b}}}\n`);
      const mb = vote === null ? -1 : vote.bal;
      const mv = vote === null ? 'null' : `"${vote.val}"`;
      if (!again) emit(`{"ev":"persist","node":"${a}","maxBal":${b},"maxVBal":${mb},"maxVal":${mv}}\n`);
      emit(`{"ev":"send","node":"${a}","msg":{"type":"1b","acc":"${a}","bal":${b},"mbal":${mb},"mval":${mv}}}\n`);
      emit(`{"ev":"recv","node":"${leader}","msg":{"type":"1b","acc":"${a}","bal":${b},"mbal":${mb},"mval":${mv}}}\n`);
    }
    emit(`{"ev":"send","node":"${leader}","msg":{"type":"2a","bal":${b},"val":"${val}"}}\n`);
    for (const a of ACC) {
      emit(`{"ev":"recv","node":"${a}","msg":{"type":"2a","bal":${b},"val":"${val}"}}\n`);
      if (!again) emit(`{"ev":"persist","node":"${a}","maxBal":${b},"maxVBal":${b},"maxVal":"${val}"}\n`);
      emit(`{"ev":"send","node":"${a}","msg":{"type":"2b","acc":"${a}","bal":${b},"val":"${val}"}}\n`);
      emit(`{"ev":"recv","node":"${leader}","msg":{"type":"2b","acc":"${a}","bal":${b},"val":"${val}"}}\n`);
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
