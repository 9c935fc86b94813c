// The random architectures every engine is checked on (docs/FORMAT.md §7): generated PW at 4, 6 and 8 bits,
// both generator families, residual blocks, strides.
import type { RandomModelOptions } from "../host/pack/random-model.ts";

export const GOLDEN_WINDOWS = 1000;

const forced = { forceAllBits: true, forceResidual: true, forceStride2: true } as const;

export const GOLDEN_ARCHS: { seed: number; options: RandomModelOptions }[] = [
	{ seed: 11, options: { ...forced, family: "head" } },
	{ seed: 22, options: { ...forced, family: "lowrank" } },
	{ seed: 33, options: { ...forced, family: "lowrank", length: 128, channels: 2, blocks: 5 } },
	{ seed: 44, options: { ...forced, family: "head", length: 96, channels: 2 } },
];

/** The input stream of an architecture's golden run. */
export function goldenInputSeed(seed: number): number {
	return (0x9e3779b9 ^ seed) >>> 0;
}

export const hex = (crc: number): string => (crc >>> 0).toString(16).padStart(8, "0");
