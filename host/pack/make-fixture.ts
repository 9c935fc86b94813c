// Writes test/fixtures/tiny-hyper.htpw (a small hyper model: stored PW1, two generated PWs of the HEAD family
// at 4 and 6 bits, a residual ADD, attention pooling, two FC layers) and test/fixtures/window.bin (256 int8 samples of a synthetic beat). Deterministic.
// Run: npx tsx host/pack/make-fixture.ts [outDir]

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FAMILY_HEAD, OP_CONV1D, OP_DWCONV1D, OP_FC, OP_PWCONV } from "../../modules/model/format.ts";
import { ModelBuilder } from "./model-builder.ts";
import { randomGeneratorBase } from "./random-generator.ts";
import { Rng } from "./rng.ts";
import type { ModelSpec } from "./spec.ts";
import { writeModel } from "./writer.ts";

const SEED = 20260325;
const WINDOW = 256;
const SAMPLE_RATE = 360;
const INPUT = { scale: 0.02, zero_point: 0 };

export function tinyHyperSpec(): ModelSpec {
	const rng = new Rng(SEED);
	const b = new ModelBuilder(rng);
	const gen = randomGeneratorBase(rng, FAMILY_HEAD);
	const input = b.tensor(WINDOW, 1, INPUT.zero_point, INPUT.scale);
	const stem = b.weighted(OP_CONV1D, input, 8, 128, { k: 7, stride: 2, padLeft: 3, padRight: 2 }, true);
	const dw1 = b.weighted(OP_DWCONV1D, stem, 8, 128, { k: 5, stride: 1, dilation: 1, padLeft: 2, padRight: 2 }, true);
	const pw1 = b.weighted(OP_PWCONV, dw1, 16, 128, {}, true);
	const dw2 = b.weighted(OP_DWCONV1D, pw1, 16, 64, { k: 5, stride: 2, dilation: 1, padLeft: 2, padRight: 1 }, true);
	const pw2 = b.generatedPw(dw2, gen, 16, 4, true);
	const dw3 = b.weighted(OP_DWCONV1D, pw2, 16, 64, { k: 3, stride: 1, dilation: 2, padLeft: 2, padRight: 2 }, true);
	const pw3 = b.generatedPw(dw3, gen, 16, 6, false);
	const res = b.add(pw2, pw3, true);
	const pooled = b.attnpool(res);
	const hidden = b.weighted(OP_FC, pooled, 16, 1, {}, true);
	const logits = b.weighted(OP_FC, hidden, 2, 1, {}, false);
	return {
		meta: {
			name: "tiny-hyper", family: "hyper-paper", task: "v-vs-rest", classes: ["rest", "V"], sample_rate: SAMPLE_RATE, window: WINDOW,
			input: INPUT, output: { scale: logits.scale, zero_point: b.shape(logits).zeroPoint }, t_star: 0.5,
			provenance: { generator: "host/pack/make-fixture.ts", seed: SEED, weights: "random (a format fixture, not a trained model)" },
		},
		tensors: b.tensors,
		ops: b.ops,
		inputTensor: input.tensor,
		outputTensor: logits.tensor,
		generator: gen,
	};
}

/** A synthetic beat (P, QRS, T as Gaussians, in mV) centred in the window, quantized with the input params. */
export function syntheticWindow(): Int8Array {
	const out = new Int8Array(WINDOW);
	const wave = (t: number, at: number, width: number, mv: number): number => mv * Math.exp(-0.5 * ((t - at) / width) ** 2);
	for (let i = 0; i < WINDOW; i++) {
		const t = (i - WINDOW / 2) / SAMPLE_RATE;
		const mv = wave(t, -0.16, 0.025, 0.15) + wave(t, -0.02, 0.008, -0.15) + wave(t, 0, 0.01, 1.3) + wave(t, 0.025, 0.008, -0.3) + wave(t, 0.25, 0.04, 0.3) - 0.05;
		const q = Math.round(mv / INPUT.scale) + INPUT.zero_point;
		out[i] = Math.max(-128, Math.min(127, q));
	}
	return out;
}

export function writeFixtures(dir: string): { model: string; window: string } {
	mkdirSync(dir, { recursive: true });
	const model = join(dir, "tiny-hyper.htpw");
	const window = join(dir, "window.bin");
	writeFileSync(model, writeModel(tinyHyperSpec()));
	const w = syntheticWindow();
	writeFileSync(window, new Uint8Array(w.buffer, w.byteOffset, w.length));
	return { model, window };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
	const written = writeFixtures(process.argv[2] ?? join(root, "test/fixtures"));
	process.stdout.write(`wrote ${written.model} and ${written.window}\n`);
}
