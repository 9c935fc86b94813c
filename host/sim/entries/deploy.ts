// `hypertiny bench:deploy`, simulator side: wall time of the device runtime in XS for one synthesis policy, from
// creating the interpreter (validation, boot synthesis) through each inference, over the docs/FORMAT.md §7 windows.
import Resource from "Resource";
import config from "mc/config";
import Time from "time";
import { crc32Update } from "../../../modules/model/crc32.ts";
import { Interpreter } from "../../../modules/runtime/interpreter.ts";
import { isPolicy } from "../../../modules/runtime/synthesis-cache.ts";
import { Xorshift32 } from "../../../modules/runtime/xorshift32.ts";

function now(): number {
	return Time.microseconds ?? Time.ticks * 1000;
}

const policy = config.policy ?? "boot";
if (!isPolicy(policy)) throw new Error(`unknown policy ${String(policy)}`);
const windows = Number(config.windows ?? 4);
const rng = new Xorshift32(Number(config.seed ?? 1));
const blob = new Resource("model.htpw");

const start = now();
const interpreter = new Interpreter(blob, policy, config.budget === undefined ? undefined : Number(config.budget));
const initUs = now() - start;
const outputBytes = new Uint8Array(interpreter.output.buffer, interpreter.output.byteOffset, interpreter.output.length);
const inferUs: number[] = [];
let crc = 0;
for (let w = 0; w < windows; w++) {
	rng.fill(interpreter.input);
	const t0 = now();
	interpreter.invoke();
	inferUs.push(now() - t0);
	crc = crc32Update(crc, outputBytes);
}
trace(JSON.stringify({ crc: (crc >>> 0).toString(16).padStart(8, "0"), init_us: initUs, infer_us: inferUs, synthesized: interpreter.cache.synthesized }) + "\n");
