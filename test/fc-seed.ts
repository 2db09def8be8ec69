/**
 * Every property test keeps a seed: a fast-check run that names none gets this one, so a failure
 * replays. SYNOD_FC_SEED overrides it (the tests that pick their own seed read it too); a failing
 * run prints the seed and path it needs.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.SYNOD_FC_SEED ?? 20261202) });
