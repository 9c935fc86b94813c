// Golden runs (docs/FORMAT.md §7): random windows through the device runtime, CRC-32 of all outputs.
import Resource from "Resource";
import config from "mc/config";
import { crc32Update } from "../../../modules/model/crc32.ts";
import { Interpreter } from "../../../modules/runtime/interpreter.ts";
import { isPolicy } from "../../../modules/runtime/synthesis-cache.ts";
import { Xorshift32 } from "../../../modules/runtime/xorshift32.ts";

const policy = config.policy ?? "boot";
if (!isPolicy(policy)) throw new Error(`unknown policy ${String(policy)}`);
const windows = Number(config.windows ?? 1);
const rng = new Xorshift32(Number(config.seed ?? 1));
const interpreter = new Interpreter(new Resource("model.htpw"), policy, config.budget === undefined ? undefined : Number(config.budget));
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
trace(JSON.stringify({ crc: (crc >>> 0).toString(16).padStart(8, "0"), first, synthesizedAtStart, synthesized: interpreter.cache.synthesized, compactions: interpreter.cache.compactions }) + "\n");
