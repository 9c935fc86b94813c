// A small random-weight model over [256][channels] with META.features (docs/FORMAT.md §6), for the tests of
// models that take the beat's context features as input channels (test/app-features.test.ts, test/m4app.test.ts).
import { OP_CONV1D, OP_DWCONV1D, OP_FC, OP_PWCONV } from "../modules/model/format.ts";
import { ModelBuilder } from "../host/pack/model-builder.ts";
import { Rng } from "../host/pack/rng.ts";
import type { ModelSpec } from "../host/pack/spec.ts";
import { writeModel } from "../host/pack/writer.ts";

export const FEATURE_MODEL_WINDOW = 256;
const INPUT = { scale: 0.02, zero_point: 0 };

/**
 * A small random-weight network over [256][channels]; META.features as given (undefined: none); `classes`: its
 * output classes (default the V-vs-rest pair), `meta`: further META fields (e.g. decision_bias).
 */
export function featureModel(channels: number, features: string[] | undefined, seed = 77, classes = ["rest", "V"], meta: Record<string, unknown> = {}): Uint8Array {
	const b = new ModelBuilder(new Rng(seed));
	const input = b.tensor(FEATURE_MODEL_WINDOW, channels, INPUT.zero_point, INPUT.scale);
	const stem = b.weighted(OP_CONV1D, input, 8, 128, { k: 7, stride: 2, padLeft: 3, padRight: 2 }, true);
	const dw = b.weighted(OP_DWCONV1D, stem, 8, 128, { k: 5, stride: 1, dilation: 1, padLeft: 2, padRight: 2 }, true);
	const pw = b.weighted(OP_PWCONV, dw, 12, 128, {}, true);
	const pooled = b.attnpool(pw);
	const logits = b.weighted(OP_FC, pooled, classes.length, 1, {}, false);
	const spec: ModelSpec = {
		meta: {
			name: "beat-features-fixture", family: "cnn", task: classes.length === 2 ? "v-vs-rest" : "aami4", classes, sample_rate: 360, window: FEATURE_MODEL_WINDOW,
			input: INPUT, output: { scale: logits.scale, zero_point: b.shape(logits).zeroPoint }, t_star: classes.length === 2 ? 0.5 : null,
			...(features ? { features } : {}),
			...meta,
			provenance: { generator: "test/feature-model.ts", seed, weights: "random (a format fixture)" },
		},
		tensors: b.tensors,
		ops: b.ops,
		inputTensor: input.tensor,
		outputTensor: logits.tensor,
	};
	return writeModel(spec);
}

