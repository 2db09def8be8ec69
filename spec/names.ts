/**
 * How acceptors and values are written in sentences meant for people. The spec numbers them
 * (0..n-1); a trace names them ("s1", "alice"), and every explanation the spec produces takes a
 * Names so that a report speaks the reader's own names. The default is a1, a2, ... and v1, v2, ...
 */
import type { Acceptor } from './quorums.js';

export interface Names {
  readonly acceptor: (a: Acceptor) => string;
  readonly value: (v: number) => string;
}

export const defaultNames: Names = {
  acceptor: (a) => `a${a + 1}`,
  value: (v) => `v${v + 1}`,
};
