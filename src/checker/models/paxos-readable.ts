/**
 * The readable Paxos model: the engine drives the spec itself. Successors come from the spec's
 * own `enabledSteps` (with any `Actions` table, so a broken variant of one action — a mutant —
 * plugs in without touching spec/), and every property is the spec's own property function
 * applied to the decoded state. States are stored through the Paxos codec (paxos-codec.ts).
 *
 * This is the slow, obviously-faithful model: it is the reference the fast packed model is
 * tested against, and the one that checks mutants. It leaves speed to paxos-packed.ts.
 */
import { actions as specActions, enabledSteps, type Actions, type Constants, type PaxosState }
  from '../../../spec/paxos.js';
import type { Model } from '../engine.js';
import {
  decode, encode, labelOfAction, paxosLayout, type OneBLayout, type PaxosLayout,
} from './paxos-codec.js';
import { specBacked, tlcWeight } from './paxos-common.js';
import type { PaxosProperties } from './paxos-properties.js';

export interface ReadableOptions {
  readonly impl?: Actions;
  readonly layout?: OneBLayout;
  readonly properties: PaxosProperties;
}

export function readablePaxosModel(k: Constants, options: ReadableOptions): Model & {
  readonly layout: PaxosLayout;
} {
  const L = paxosLayout(k, options.layout ?? 'full');
  const impl = options.impl ?? specActions;
  const props = options.properties;
  const W = L.words;
  const at = (buf: Uint32Array, off: number): PaxosState => decode(L, buf, off);
  return {
    name: `paxos (readable spec, ${L.oneB} layout)`,
    layout: L,
    successors(src, off, out, labels, weights) {
      const s = at(src, off);
      const steps = enabledSteps(k, s, impl);
      steps.forEach((step, j) => {
        encode(L, step.next, out, j * W);
        labels[j] = labelOfAction(L, step.action);
        weights[j] = tlcWeight(k, s, step.action);
      });
      return steps.length;
    },
    ...specBacked(k, L, props),
  };
}
