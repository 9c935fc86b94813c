// `hypertiny infer`: one window through the simulator (the device runtime in XS) or the TypeScript reference.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readModel, type Model } from "../../modules/model/index.ts";
import { dequantize, quantizeInto } from "../../modules/runtime/quantize.ts";
import { isPolicy, type SynthesisPolicy } from "../../modules/runtime/synthesis-cache.ts";
import { run as runReference } from "../pack/ref-engine.ts";
import { appModelMeta } from "./app-model.ts";
import { lastJson, runSim } from "./sim-runner.ts";

export interface InferResult {
	model: string;
	engine: "sim" | "ref";
	policy: SynthesisPolicy;
	output_q: number[];
	logits: number[];
	probabilities: number[];
	class: number;
	class_name: string;
}

/** A window: raw int8 (.bin, .i8) of exactly the input size, or a JSON array of floats quantized with META's input params. */
export function loadWindow(path: string, model: Model): Int8Array {
	const size = model.input.length * model.input.channels;
	const bytes = readFileSync(path);
	if (!path.endsWith(".json")) {
		if (bytes.length !== size) throw new Error(`${path} has ${bytes.length} bytes; the model's input is ${size} int8 values`);
		return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice();
	}
	let values: unknown;
	try {
		values = JSON.parse(bytes.toString("utf8"));
	} catch (error) {
		throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
	}
	if (!Array.isArray(values)) throw new Error(`${path} must hold a JSON array of numbers`);
	const out = new Int8Array(size);
	quantizeInto(values as number[], appModelMeta(model).input, out);
	return out;
}

function softmax(logits: number[]): number[] {
	const max = Math.max(...logits);
	const exps = logits.map((x) => Math.exp(x - max));
	const sum = exps.reduce((a, b) => a + b, 0);
	return exps.map((e) => e / sum);
}

function argmax(values: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
	return best;
}

function runOnSimulator(modelPath: string, input: Int8Array, policy: SynthesisPolicy, budget?: number): Int8Array {
	const dir = mkdtempSync(join(tmpdir(), "hypertiny-infer-"));
	try {
		const inputPath = join(dir, "input.bin");
		writeFileSync(inputPath, input);
		const result = runSim("infer", { resources: { "model.htpw": modelPath, "input.bin": inputPath }, config: { policy, budget } });
		if (result.status !== 0) throw new Error(`the simulator failed (exit ${result.status}): ${(result.stderr || result.stdout).trim()}`);
		return Int8Array.from(lastJson(result).output as number[]);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** budget: the stream policy's kernel budget in bytes. */
export function infer(modelPath: string, windowPath: string, engine: "sim" | "ref", policy: SynthesisPolicy, budget?: number): InferResult {
	const path = resolve(modelPath);
	const model = readModel(new Uint8Array(readFileSync(path)));
	const meta = appModelMeta(model);
	const input = loadWindow(windowPath, model);
	const output = engine === "sim" ? runOnSimulator(path, input, policy, budget) : runReference(model, input, policy, budget);
	const logits = dequantize(output, meta.output);
	const cls = argmax(output);
	return {
		model: modelPath,
		engine,
		policy,
		output_q: Array.from(output),
		logits,
		probabilities: softmax(logits),
		class: cls,
		class_name: meta.classes[cls]!,
	};
}

const INFER_USAGE = `usage: hypertiny infer --model <m.htpw> --input <window> [--engine sim|ref] [--policy boot|lazy|stream --budget N] [--json]

The logits and class of one input window.
  --input   raw int8 (.bin/.i8, exactly the model's input size) or a JSON array of floats (quantized with META's
            input parameters)
  --engine  sim (the device runtime in the XS simulator, default) or ref (the TypeScript reference engine)
  --policy  when generated kernels are synthesized: boot (default), lazy, or stream with --budget <kernel bytes>
  --json    one JSON object: output_q, logits, probabilities, class
`;

export function inferCommand(args: string[]): number {
	const { values } = parseArgs({
		args,
		options: {
			model: { type: "string" },
			input: { type: "string" },
			engine: { type: "string", default: "sim" },
			policy: { type: "string", default: "boot" },
			budget: { type: "string" },
			json: { type: "boolean", default: false },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(INFER_USAGE);
		return 0;
	}
	if (!values.model || !values.input) throw new Error("--model and --input are required (see hypertiny infer --help)");
	if (values.engine !== "sim" && values.engine !== "ref") throw new Error(`--engine must be sim or ref, not "${values.engine}"`);
	if (!isPolicy(values.policy)) throw new Error(`--policy must be boot, lazy or stream, not "${values.policy}"`);
	const budget = values.budget === undefined ? undefined : Number(values.budget);
	if (values.policy === "stream" && !(Number.isInteger(budget) && (budget as number) > 0)) throw new Error("--policy stream needs --budget <kernel bytes>");
	const r = infer(values.model, values.input, values.engine, values.policy, budget);
	if (values.json) {
		process.stdout.write(JSON.stringify(r) + "\n");
	} else {
		const shown = r.logits.map((x) => x.toFixed(4)).join(" ");
		process.stdout.write(`class ${r.class} (${r.class_name})  logits: ${shown}  [${r.engine}, ${r.policy}]\n`);
	}
	return 0;
}
