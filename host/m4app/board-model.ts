// The model the emulated board classifies with. The board's ADC front end samples on a whole-millisecond timer
// (modules/app/adc-input.ts: the rate must divide 1000, boards use 250 Hz), and the app refuses a model trained
// at another rate (MIT-BIH models take 360 Hz). Until the front end can sample at a model's rate, the bench runs
// the project's format fixture (test/fixtures/tiny-hyper.htpw's network, random weights) stated at the board's
// rate: the same layers, kernels and synthesis, so the same instructions per beat as that network at 360 Hz.
import { writeFileSync } from "node:fs";
import { tinyHyperSpec } from "../pack/make-fixture.ts";
import { writeModel } from "../pack/writer.ts";

export function writeBoardRateFixture(path: string, sampleRate: number): string {
	const spec = tinyHyperSpec();
	spec.meta = { ...spec.meta, name: `tiny-hyper-${sampleRate}hz`, sample_rate: sampleRate };
	writeFileSync(path, writeModel(spec));
	return path;
}
