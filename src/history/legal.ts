/**
 * What a model says about one operation in one state: legal, with the state it leads to, or
 * illegal. A tagged result rather than "the next state, or null for illegal", so that null (or
 * any other value) can be a state: a register holding nothing is a state, not a refusal.
 *
 * Kept in a file of its own so that models and the search import it without a cycle through
 * index.ts.
 */

export type StepResult<S> = { readonly ok: true; readonly state: S } | { readonly ok: false };

/** The one illegal result, shared: a refusal carries nothing. */
export const ILLEGAL: StepResult<never> = Object.freeze({ ok: false as const });

/** The legal result reaching `state`. */
export function legal<S>(state: S): StepResult<S> {
  return { ok: true, state };
}
