/**
 * What a simulated run may conclude (issue 7, section 6): a violation (exit 1), nothing wrong
 * (exit 0), unknown when a check ran out of its bound before deciding (exit 3: the liveness
 * phase's event bound, the linearizability search's budget), and vacuous when no value was
 * ever chosen (exit 1: the safety checks held of a run that proves nothing).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory, type SimHistoryEvent } from '../../src/sim/history.js';
import { livenessStepsFor } from '../../src/sim/simulate.js';
import { synod } from '../synod.js';

const EVERY_FAULT = 'loss=1,dup=1,reorder=1,delay=1,partition=1,crash=1,client-crash=1';

describe('unknown is not a violation', () => {
  it('calls a linearizability search out of budget unknown', () => {
    const events: SimHistoryEvent[] = [];
    for (const c of ['A', 'B', 'C', 'D']) {
      events.push({ type: 'invoke', client: c, input: { kind: 'set', key: 'X', value: c } });
    }
    for (const c of ['A', 'B', 'C', 'D']) {
      events.push({ type: 'return', client: c, output: { value: 'D' } });
    }
    const tight = checkHistory(events, 1);
    expect(tight.violation).toBeNull();
    expect(tight.unknown?.summary).toMatch(/ran out of its budget of 1 steps/);
    expect(checkHistory(events).unknown).toBeNull();
  });

  it('exits 3 when the liveness bound runs out (9 servers, 26 clients, seed 7000)', async () => {
    const r = await synod('simulate', '--servers', '9', '--clients', '26', '--seed', '7000',
      '--faults', 'none', '--liveness-steps', '20000');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^UNKNOWN: liveness at event \d+: 20000 events after the faults /m);
    expect(r.out).not.toContain('VIOLATION');
  });

  it('scales the default liveness bound with servers and clients', () => {
    expect(livenessStepsFor(3, 3)).toBe(20_000);
    expect(livenessStepsFor(1, 1)).toBe(20_000);
    expect(livenessStepsFor(9, 26)).toBe(520_000);
  });
});

describe('a run that chooses nothing is vacuous', () => {
  it('says VACUOUS and exits 1 for one run with every fault rate at 1', async () => {
    const r = await synod('simulate', '--seed', '3', '--faults', EVERY_FAULT);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^VACUOUS: no value was ever chosen/m);
  });

  it('says VACUOUS for a batch of seeds in which no run chose a value', async () => {
    const r = await synod('simulate', '--seed', '0', '--seeds', '5', '--faults', EVERY_FAULT,
      '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ chosen: 0, vacuous: true, violation: null });
  });
});
