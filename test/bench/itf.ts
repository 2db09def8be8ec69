/**
 * ITF checking time against the number of messages per state (issue 7, section 6: a 49 MB ITF
 * trace took 67 s, quadratic in messages per step). The trace is a valid Paxos run of 3
 * acceptors, ballot after ballot (1a, three 1b, 2a, three 2b, each a state of its own), so state
 * i lists about i messages and the file grows with the square of its states: the rows double
 * the states and show whether the time follows the file size (linear) or more.
 *
 * Flags: --quick (smaller traces, for a smoke run).
 */
import { cpuUsage } from 'node:process';
import { checkItf } from '../../src/trace/itf-run.js';

/** A valid ITF run of `ballots` ballots, 8 states each (plus Init), as JSON text. */
export function itfRun(ballots: number): string {
  const acc = ['a1', 'a2', 'a3'];
  const maxBal = [-1, -1, -1];
  const maxVBal = [-1, -1, -1];
  const maxVal: (string | null)[] = [null, null, null];
  const msgs: string[] = [];
  const fn = (xs: readonly unknown[]) => `{"#map":[${xs.map((x, a) =>
    `["${acc[a]}",${x === null ? '{"tag":"None","value":{"#tup":[]}}' : JSON.stringify(x)}]`)
    .join(',')}]}`;
  const state = (i: number): string => `{"#meta":{"index":${i}},"maxBal":${fn(maxBal)},` +
    `"maxVBal":${fn(maxVBal)},"maxVal":${fn(maxVal)},"msgs":{"#set":[${msgs.join(',')}]}}`;
  const states = [state(0)];
  for (let b = 0; b < ballots; b++) {
    msgs.push(`{"type":"1a","bal":${b}}`);
    states.push(state(states.length));
    let top = -1;
    let value = 'v1';
    for (let a = 0; a < 3; a++) {
      maxBal[a] = b;
      msgs.push(`{"type":"1b","acc":"${acc[a]}","bal":${b},"mbal":${maxVBal[a]},"mval":${
        maxVal[a] === null ? '{"tag":"None","value":{"#tup":[]}}' : `"${maxVal[a]}"`}}`);
      if ((maxVBal[a] as number) > top) [top, value] = [maxVBal[a] as number, maxVal[a] as string];
      states.push(state(states.length));
    }
    msgs.push(`{"type":"2a","bal":${b},"val":"${value}"}`);
    states.push(state(states.length));
    for (let a = 0; a < 3; a++) {
      maxVBal[a] = b;
      maxVal[a] = value;
      msgs.push(`{"type":"2b","acc":"${acc[a]}","bal":${b},"val":"${value}"}`);
      states.push(state(states.length));
    }
  }
  return `{"#meta":{"format":"ITF"},"vars":["maxBal","maxVBal","maxVal","msgs"],"states":[${
    states.join(',\n')}]}`;
}

export async function run(log: (line: string) => void, args: readonly string[]): Promise<void> {
  const sizes = args.includes('--quick') ? [20, 40, 80] : [40, 80, 160];
  log('| ballots | states | msgs at the end | file MB | wall s | cpu s | verdict |');
  log('|---:|---:|---:|---:|---:|---:|---|');
  for (const ballots of sizes) {
    const text = itfRun(ballots);
    const cpu = cpuUsage();
    const started = performance.now();
    const r = await checkItf(text, null);
    const wall = (performance.now() - started) / 1000;
    const used = cpuUsage(cpu);
    log(`| ${ballots} | ${ballots * 8 + 1} | ${ballots * 8} | ${(text.length / 1e6).toFixed(1)} | ` +
      `${wall.toFixed(2)} | ${((used.user + used.system) / 1e6).toFixed(2)} | ${r.verdict} |`);
  }
}
