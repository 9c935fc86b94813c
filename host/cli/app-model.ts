// The app's META check (modules/app/model-meta.ts, with the features the device computes) for host commands: a
// model the device would refuse as incompatible is refused here too, with the same one-line reason.
import { checkModelMeta, type AppModelMeta } from "../../modules/app/model-meta.ts";
import { featureColumns } from "../../modules/ecg/beat-features.ts";
import type { Model } from "../../modules/model/index.ts";

/** META as the app runs it; throws the app's reason when it would refuse the model. */
export function appModelMeta(model: Model): AppModelMeta {
	const shape = { inputLength: model.input.length, inputChannels: model.input.channels, outputValues: model.output.length * model.output.channels };
	const checked = checkModelMeta(model.meta, shape, featureColumns);
	if (typeof checked === "string") throw new Error(`the app refuses this model: ${checked}`);
	return checked;
}
