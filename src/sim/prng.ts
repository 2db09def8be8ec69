/**
 * The simulator's only source of randomness: sfc32 (Chris Doty-Humphrey's "small fast chaotic"
 * generator, 128 bits of state, from PractRand), seeded from one 32-bit seed through splitmix32
 * so that nearby seeds give unrelated streams. Every run replays exactly from its seed.
 *
 * Written here from the published algorithm; no cryptographic quality is needed or claimed.
 * State is four uint32 in a plain array, so a generator can be copied to fork a stream.
 */

export interface Prng {
  /** A uniform 32-bit unsigned integer. */
  readonly u32: () => number;
  /** A uniform integer in [0, n), n >= 1. */
  readonly below: (n: number) => number;
  /** True with probability p. */
  readonly chance: (p: number) => boolean;
  /** A uniform element of a non-empty array. */
  readonly pick: <T>(xs: readonly T[]) => T;
}

/** splitmix32: spreads one seed over the four words of sfc32's state. */
function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function sfc32(seed: number): Prng {
  const mix = splitmix32(seed);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Warm-up, as the reference implementation recommends, so early outputs are mixed.
  for (let i = 0; i < 12; i++) u32();
  const below = (n: number): number => Math.floor((u32() / 4294967296) * n);
  return {
    u32,
    below,
    chance: (p) => p > 0 && u32() / 4294967296 < p,
    pick: (xs) => xs[below(xs.length)]!,
  };
}
