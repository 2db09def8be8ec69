/**
 * operationsFromEvents: building calls from an ordered event list, and rejecting lists that are
 * not well-formed histories with a message that names the event.
 */
import { describe, expect, it } from 'vitest';
import { HistoryError, operationsFromEvents } from '../../src/history/index.js';
import { events, varX } from './dsl.js';

describe('operationsFromEvents', () => {
  it('takes each event\'s index as its time and lists calls in invocation order', () => {
    expect(varX(['A set a', 'B get', 'B -> empty', 'A -> a'])).toEqual([
      { client: 'A', input: { kind: 'set', key: 'X', value: 'a' }, output: { value: 'a' },
        call: 0, ret: 3 },
      { client: 'B', input: { kind: 'get', key: 'X' }, output: { value: null }, call: 1, ret: 2 },
    ]);
  });

  it('gives a call whose client crashed no return and an unknown output', () => {
    expect(varX(['A set a', 'A crash'])).toMatchObject([{ output: null, call: 0, ret: null }]);
  });

  it('gives a call still pending at the end no return and an unknown output', () => {
    expect(varX(['A get', 'B get', 'B -> empty'])).toMatchObject([
      { client: 'A', output: null, ret: null }, { client: 'B', ret: 2 }]);
  });

  it('lets a client that crashed invoke again, and ignores a crash while idle', () => {
    expect(varX(['A crash', 'A set a', 'A crash', 'A get', 'A -> a'])).toMatchObject([
      { call: 1, ret: null }, { call: 3, ret: 4, output: { value: 'a' } }]);
  });

  const malformed: [string, string[], string][] = [
    ['a second invocation while a call is pending', ['A set a', 'A get'],
      'event 1: client \'A\' invokes while its call from event 0 is still pending ' +
      '(a client has at most one pending call)'],
    ['a return with no pending call', ['A -> a'],
      'event 0: client \'A\' returns but has no pending call'],
    ['a return from another client than the caller', ['A set a', 'B -> a'],
      'event 1: client \'B\' returns but has no pending call'],
    ['a second return for one call', ['A get', 'A -> empty', 'A -> empty'],
      'event 2: client \'A\' returns but has no pending call'],
  ];

  it.each(malformed)('rejects %s, naming the event', (_, rows, message) => {
    expect(() => operationsFromEvents(events(rows))).toThrow(new HistoryError(message));
  });

  it('rejects an event of unknown type', () => {
    const bad = [{ type: 'commit', client: 'A' }] as unknown as Parameters<
      typeof operationsFromEvents>[0];
    expect(() => operationsFromEvents(bad)).toThrow(
      'event 0: unknown type \'commit\' (expected invoke, return or crash)');
  });
});
