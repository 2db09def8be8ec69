/**
 * The trace writer: what it writes is one header line then one event per line, each of which
 * decodes with the format's codecs; what it refuses is our own bug, so it throws.
 */
import { describe, expect, it } from 'vitest';
import { Header, TraceEvent } from '../../src/format/trace.js';
import { ballotPair, createWriter, eventLine, traceText } from '../../src/format/writer.js';

const header: Header = {
  format: 'synod.trace', version: 1,
  cluster: { acceptors: ['s1', 's2', 's3'], quorums: 'majority' },
};

describe('createWriter', () => {
  it('writes the header first, then one line per event', () => {
    const text = traceText(header, [
      { ev: 'send', node: 's1', msg: { type: '1a', bal: ballotPair(1, 's1') } },
      { ev: 'persist', node: 's2', maxBal: 3, maxVBal: -1, maxVal: null },
    ]);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(3);
    expect(Header.is(lines[0])).toBe(true);
    expect(lines.slice(1).every((l) => TraceEvent.is(l))).toBe(true);
  });

  it('counts the lines it wrote, header included', () => {
    const writer = createWriter(header, () => undefined);
    writer.write({ ev: 'crash', node: 's1' });
    expect(writer.lines()).toBe(2);
  });

  it('refuses an event that names an acceptor the header does not list', () => {
    const writer = createWriter(header, () => undefined);
    expect(() => writer.write({
      ev: 'send', node: 's4', msg: { type: '2b', acc: 's4', bal: 1, val: 'x' },
    })).toThrow(/'s4' is not an acceptor/);
  });

  it('refuses an event whose shape is not in the format', () => {
    const bad = { ev: 'send', node: 's1', msg: { type: '1a', bal: -3 } } as unknown as TraceEvent;
    expect(() => eventLine(bad)).toThrow(/invalid event/);
  });
});
