// `hypertiny infer --engine sim`: one window through the device runtime, result as one JSON line.
import Resource from "Resource";
import config from "mc/config";
import { Interpreter } from "../../../modules/runtime/interpreter.ts";
import { isPolicy } from "../../../modules/runtime/synthesis-cache.ts";

const policy = config.policy ?? "boot";
if (!isPolicy(policy)) throw new Error(`unknown policy ${String(policy)}`);
const interpreter = new Interpreter(new Resource("model.htpw"), policy, config.budget === undefined ? undefined : Number(config.budget));
const input = new Int8Array(new Resource("input.bin"));
if (input.length !== interpreter.input.length)
	throw new Error(`the window has ${input.length} values, the model takes ${interpreter.input.length}`);
interpreter.input.set(input);
interpreter.invoke();
trace(JSON.stringify({ output: Array.from(interpreter.output), synthesized: interpreter.cache.synthesized }) + "\n");
