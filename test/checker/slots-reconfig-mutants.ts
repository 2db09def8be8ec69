/**
 * Deliberately broken variants of the per-slot reconfiguration spec
 * (spec/multipaxos/reconfig.ts), each the spec's own Phase2a with one of its configuration
 * conjuncts replaced (`proposeWith` takes the configuration a proposal must be safe under), so
 * spec/ stays untouched and each mutant differs from the spec in exactly that rule.
 */
import * as Spec from '../../spec/multipaxos/reconfig.js';

const mutant = (configFor: Spec.ConfigFor): Spec.Actions =>
  ({ ...Spec.actions, Phase2a: Spec.proposeWith(configFor) });

/**
 * Without Known: a leader proposes past its alpha window, under the newest configuration it
 * knows (the last slot whose configuration is determined), as if nothing unknown could change it.
 */
export const unknownConfig = mutant((k, st, s) => {
  const cfg = Spec.configs(k, st);
  for (let t = s; t >= 0; t--) if (cfg[t] !== null) return cfg[t]!;
  return k.initial;
});

/**
 * Without SlotQuorum: a leader shows safety to a majority of the configuration it was elected
 * in (the initial one here) and never runs phase 1 again when a new configuration takes effect.
 */
export const electionConfigQuorum = mutant((k, st, s) =>
  (Spec.configs(k, st)[s] === null ? 'unknown' : k.initial));

/**
 * Without member-only counting: what a leader takes to be chosen (and so the configuration of
 * the slots after it) counts the votes of every server against the size of the slot's
 * configuration, members or not, as a learner that tallies every 2b it hears would.
 */
export const nonMemberCounting = mutant((k, st, s) =>
  Spec.configsCounting(k, st, (voters, config) =>
    2 * Spec.count(voters) > Spec.count(config))[s] ?? 'unknown');
