/**
 * One bounded check of MultiPaxos-SMR, from plain settings to a result: validates the
 * constants, chooses the model (packed unless a mutant is plugged in) and the properties, runs
 * the engine. The CLI, the benchmark and the tests all come through here, so they check the
 * same thing.
 *
 * It leaves out all input/output: the CLI parses flags and prints (src/cli/check-multipaxos.ts).
 */
import { type Actions, actions as specActions, type SmrConstants, smrConstants }
  from '../../spec/multipaxos/smr.js';
import {
  R1, Refinement, smrReachability, smrStateProperties, tlcStateProperties,
} from '../../spec/multipaxos/smr-properties.js';
import {
  check, type CheckOptions, type CheckResult, type Model, type Progress,
} from './engine.js';
import { siblingModule } from './parallel.js';
import { packedSmrModel } from './models/multipaxos-packed.js';
import { readableSmrModel, type ExtraAction, type SmrProperties } from './models/multipaxos.js';

export type SmrPropertySet = 'all' | 'tlc';

export interface SmrCheckSettings {
  readonly replicas: number;
  readonly writes: number;
  readonly reads: number;
  readonly maxBallot: number;
  readonly symmetry: boolean;
  /** Also check that every step maps to per-slot steps or a stutter. */
  readonly refinement: boolean;
  /** 'tlc': only MultiPaxos_MC.cfg's invariants (TypeOK, Linearizability), for side by side. */
  readonly properties?: SmrPropertySet | SmrProperties;
  /** Force the readable (spec-driven) model. */
  readonly readable?: boolean;
  /** A spec variant (mutant); forces the readable model. */
  readonly impl?: Actions;
  readonly extra?: ExtraAction;
  readonly maxStates?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Worker threads that expand states (the packed model and named property sets only). */
  readonly workers?: number;
}

export interface SmrCheck {
  readonly constants: SmrConstants;
  readonly model: Model;
  readonly result: CheckResult;
}

export function smrCheckConstants(s: SmrCheckSettings): SmrConstants {
  return smrConstants({
    replicas: s.replicas, writes: s.writes, reads: s.reads, maxBallot: s.maxBallot,
  });
}

/** The properties the settings ask for. */
export function smrProperties(s: SmrCheckSettings, k: SmrConstants): SmrProperties {
  const p = s.properties ?? 'all';
  if (typeof p !== 'string') return p;
  const step = p === 'tlc' ? [] : [R1];
  return {
    state: p === 'tlc' ? tlcStateProperties : smrStateProperties,
    step: s.refinement ? [...step, Refinement] : step,
    reachability: p === 'tlc' ? [] : smrReachability(k),
  };
}

/** The model the settings ask for (before exploring). */
export function smrModel(s: SmrCheckSettings, k: SmrConstants = smrCheckConstants(s)): Model {
  const properties = smrProperties(s, k);
  const mutant = (s.impl !== undefined && s.impl !== specActions) || s.extra !== undefined;
  if (s.readable !== true && !mutant) return packedSmrModel(k, { properties });
  return readableSmrModel(k, {
    properties,
    ...(s.impl === undefined || s.impl === specActions ? {} : { impl: s.impl }),
    ...(s.extra === undefined ? {} : { extra: s.extra }),
  });
}

/** What a worker thread builds its model from: the settings that are plain data. */
export function smrWorkerModel(s: SmrCheckSettings): Model {
  return smrModel(s);
}

function workersFor(s: SmrCheckSettings): CheckOptions['workers'] {
  if (s.workers === undefined || s.workers === 0) return undefined;
  const mutant = s.impl !== undefined || s.extra !== undefined;
  if (mutant || typeof s.properties === 'object' || s.readable === true) {
    throw new RangeError('workers: only for the packed model with a named property set');
  }
  const args = {
    replicas: s.replicas, writes: s.writes, reads: s.reads, maxBallot: s.maxBallot,
    symmetry: s.symmetry, refinement: s.refinement, properties: s.properties ?? 'all',
  };
  const module = siblingModule(import.meta.url, 'multipaxos-check');
  return { count: s.workers, model: { module, exportName: 'smrWorkerModel', args } };
}

export function checkSmr(s: SmrCheckSettings): SmrCheck {
  const constants = smrCheckConstants(s);
  const model = smrModel(s, constants);
  const workers = workersFor(s);
  const result = check(model, {
    symmetry: s.symmetry,
    ...(workers === undefined ? {} : { workers }),
    ...(s.maxStates === undefined ? {} : { maxStates: s.maxStates }),
    ...(s.onProgress === undefined ? {} : { onProgress: s.onProgress }),
  });
  return { constants, model, result };
}
