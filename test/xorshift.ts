// xorshift32 (FORMAT §7's generator): a reproducible stream of uint32 from a non-zero seed, for property tests.
export function rng(seed: number) {
	let x = seed >>> 0 || 1;
	const next = () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		return (x >>>= 0);
	};
	const int = (n: number) => next() % n;
	return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}
export type XorshiftRng = ReturnType<typeof rng>;
