// A small seeded PRNG (mulberry32) for deterministic random models.

export class Rng {
	#state: number;

	constructor(seed: number) {
		this.#state = seed >>> 0;
	}

	/** Uniform in [0, 1). */
	float(): number {
		let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Uniform integer in [lo, hi]. */
	int(lo: number, hi: number): number {
		return lo + Math.floor(this.float() * (hi - lo + 1));
	}

	range(lo: number, hi: number): number {
		return lo + this.float() * (hi - lo);
	}

	bool(p = 0.5): boolean {
		return this.float() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.float() * items.length)];
	}

	/** Approximately standard normal (sum of uniforms). */
	normal(): number {
		let s = 0;
		for (let i = 0; i < 6; i++) s += this.float();
		return (s - 3) * Math.SQRT2;
	}

	shuffle<T>(items: T[]): T[] {
		for (let i = items.length - 1; i > 0; i--) {
			const j = Math.floor(this.float() * (i + 1));
			[items[i], items[j]] = [items[j], items[i]];
		}
		return items;
	}
}
