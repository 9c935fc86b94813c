// Golden runs (docs/FORMAT.md §7) in a real Moddable build: random windows through the device runtime, CRC-32 of
// all outputs; the computation of host/sim/entries/checksum.ts, on the same modules/runtime and native/ C.
//
// config.runs (mc/config; an array, or its JSON as a string from the mcconfig command line `runs=[...]`):
//   [{ "model": "<resource>", "policy": "boot" | "lazy" | "stream", "windows": N, "seed": S, "budget": B }]
// Each run traces one line `hypertiny-golden {...}` (the result, or {"error": ...}); then `hypertiny-golden done`.
import Resource from "Resource";
import config from "mc/config";
import { crc32Update } from "model/crc32";
import { Interpreter } from "runtime/interpreter";
import { isPolicy } from "runtime/synthesis-cache";
import { Xorshift32 } from "runtime/xorshift32";

interface Run {
	model?: string;
	policy?: string;
	windows?: number | string;
	seed?: number | string;
	budget?: number | string;
}

function golden(run: Run): Record<string, unknown> {
	const model = run.model ?? "model.htpw";
	const policy = run.policy ?? "boot";
	if (!Resource.exists(model)) throw new Error(`no resource ${model} (the build's data folder: HT_GOLDEN_DATA)`);
	if (!isPolicy(policy)) throw new Error(`unknown policy ${policy}`);
	const windows = Number(run.windows ?? 1);
	const rng = new Xorshift32(Number(run.seed ?? 1));
	const budget = run.budget === undefined ? undefined : Number(run.budget);
	const started = Date.now();
	const interpreter = new Interpreter(new Resource(model), policy, budget);
	const outputBytes = new Uint8Array(interpreter.output.buffer, interpreter.output.byteOffset, interpreter.output.length);
	const synthesizedAtStart = interpreter.cache.synthesized;
	let crc = 0;
	let first: number[] = [];
	for (let w = 0; w < windows; w++) {
		rng.fill(interpreter.input);
		interpreter.invoke();
		if (w === 0) first = Array.from(interpreter.output);
		crc = crc32Update(crc, outputBytes);
	}
	return {
		crc: (crc >>> 0).toString(16).padStart(8, "0"),
		first,
		synthesizedAtStart,
		synthesized: interpreter.cache.synthesized,
		compactions: interpreter.cache.compactions,
		ms: Date.now() - started,
	};
}

const runs: Run[] = typeof config.runs === "string" ? JSON.parse(config.runs) : (config.runs ?? [{}]);
for (const run of runs) {
	let result: Record<string, unknown>;
	try {
		result = golden(run);
	} catch (error) {
		result = { error: error instanceof Error ? error.message : String(error) };
	}
	trace(`hypertiny-golden ${JSON.stringify({ model: run.model, policy: run.policy, ...result })}\n`);
}
trace("hypertiny-golden done\n");
