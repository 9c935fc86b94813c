// A packed model as a standard .tflite (host/tflite/from-model.ts maps it; flatbuffer.ts writes it).

import type { Model } from "../../modules/model/model.ts";
import { writeTflite } from "./flatbuffer.ts";
import { modelToGraph } from "./from-model.ts";

export { ExportError } from "./from-model.ts";

/** The .tflite bytes: generated layers are synthesized and stored as plain INT8 weights (the generator's saving is lost). */
export function exportTflite(model: Model): Uint8Array {
	return writeTflite(modelToGraph(model));
}
