// Opens a packed model from a flash Resource for the app: the blob mapped zero-copy, validated by the C core,
// synthesized under the configured policy, and its META checked for what the caller feeds it. The one opening
// the beat classifier (classifier.ts) and the apnea minutes (apnea-minutes.ts) share; a missing, corrupt or
// mismatched model comes back as a status, an error code and a one-line reason, never as an exception.
import Resource from "Resource";
import { featureColumns } from "../ecg/beat-features.ts";
import { Interpreter } from "../runtime/interpreter.ts";
import { isPolicy, type SynthesisPolicy } from "../runtime/synthesis-cache.ts";
import { checkModelMeta, type AppModelMeta, type ModelInput } from "./model-meta.ts";
import { MODEL_INCOMPATIBLE, MODEL_INVALID, MODEL_MISSING, MODEL_READY } from "../ble/protocol.ts";
import { statusCode } from "../runtime/native-model.ts";

export interface OpenModelOptions {
	/** Resource name of the packed model. */
	resource: string;
	policy: string;
	/** Kernel budget in bytes of the stream policy. */
	budget: number | undefined;
	/** The rate of what the caller feeds the model (META.sample_rate must equal it). */
	sampleRate: number;
	/** What the caller feeds it (META.consumes). */
	consumes: ModelInput;
	/** Another model whose arena this one shares when large enough (runtime/interpreter.ts). */
	arenaOf?: Interpreter;
}

export interface OpenedModel {
	/** MODEL_READY, or why not (MODEL_MISSING, MODEL_INVALID, MODEL_INCOMPATIBLE). */
	status: number;
	/** The reader's status code (docs/FORMAT.md §5) when the blob was rejected, else 0. */
	errorCode: number;
	/** Why it is not ready; empty when it is. */
	message: string;
	policy: SynthesisPolicy;
	blobBytes: number;
	crc: number;
	/** Set when ready. */
	interpreter: Interpreter | undefined;
	meta: AppModelMeta | undefined;
}

export function openModel(o: OpenModelOptions): OpenedModel {
	const opened: OpenedModel = { status: MODEL_MISSING, errorCode: 0, message: "", policy: "boot", blobBytes: 0, crc: 0, interpreter: undefined, meta: undefined };
	const fail = (status: number, code: number, message: string): OpenedModel => {
		opened.status = status;
		opened.errorCode = code;
		opened.message = message;
		opened.interpreter = undefined;
		return opened;
	};
	if (!isPolicy(o.policy)) return fail(MODEL_INVALID, 0, `unknown synthesis policy "${o.policy}" (boot, lazy or stream)`);
	opened.policy = o.policy;
	if (!Resource.exists(o.resource)) return fail(MODEL_MISSING, 0, `no model resource "${o.resource}"`);
	const blob = new Resource(o.resource);
	opened.blobBytes = blob.byteLength;
	let interpreter: Interpreter;
	try {
		interpreter = new Interpreter(blob, o.policy, o.budget, o.arenaOf);
	} catch (error) {
		const text = String((error as Error).message ?? error);
		const code = statusCode(text);
		return fail(MODEL_INVALID, code >= 0 ? code : (error as { code?: number }).code ?? 0, text);
	}
	const model = interpreter.model;
	opened.crc = model.crc;
	const shape = { inputLength: model.input.length, inputChannels: model.input.channels, outputValues: model.output.length * model.output.channels };
	const checked = checkModelMeta(model.meta, shape, featureColumns, o.sampleRate, o.consumes);
	if (typeof checked === "string") return fail(MODEL_INCOMPATIBLE, 0, checked);
	opened.meta = checked;
	opened.interpreter = interpreter;
	opened.status = MODEL_READY;
	return opened;
}
