// The trainer's float sidecar, models/<name>.float.json (contract of issue 3): the float (fake-quant, PyTorch)
// model's classes per window of the validation and test splits, from which evaluation computes the
// float-vs-integer agreement without PyTorch.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface FloatSidecar {
	path: string;
	name: string;
	family: string;
	task: string;
	train_seconds: number | null;
	command: unknown;
	seed: unknown;
	dataset: { count: number; index_sha256: string };
	/** "integer": t_star is host/eval's threshold on s_V (sidecar version 2); "probability": on P(V) (version 1). */
	rule: "integer" | "probability";
	t_star: number | null;
	classes: { validation: Uint8Array; test: Uint8Array };
}

/** The sidecar beside a model: <model>.float.json, else <META name>.float.json in the same folder (default.htpw). */
export function sidecarPath(modelPath: string, metaName: unknown): string | null {
	const byFile = modelPath.replace(/\.htpw$/, "") + ".float.json";
	if (existsSync(byFile)) return byFile;
	if (typeof metaName === "string" && /^[\w.-]+$/.test(metaName)) {
		const byName = join(dirname(modelPath), `${metaName}.float.json`);
		if (existsSync(byName)) return byName;
	}
	return null;
}

function decodeClasses(value: unknown, what: string): Uint8Array {
	if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new Error(`${what} is not a base64 string`);
	const bytes = Buffer.from(value, "base64");
	return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice();
}

export function readSidecar(path: string): FloatSidecar {
	let raw: any;
	try {
		raw = JSON.parse(readFileSync(path, "utf8"));
	} catch (e) {
		throw new Error(`${path}: not readable JSON (${(e as Error).message})`);
	}
	const where = basename(path);
	if (!raw || typeof raw !== "object") throw new Error(`${where}: not a JSON object`);
	const ds = raw.dataset;
	if (!ds || !Number.isInteger(ds.count) || typeof ds.index_sha256 !== "string") throw new Error(`${where}: dataset.count and dataset.index_sha256 are required`);
	if (!raw.classes || typeof raw.classes !== "object") throw new Error(`${where}: classes.validation and classes.test are required`);
	return {
		path,
		name: String(raw.name),
		family: String(raw.family),
		task: String(raw.task),
		train_seconds: typeof raw.train_seconds === "number" ? raw.train_seconds : null,
		command: raw.command,
		seed: raw.seed,
		dataset: { count: ds.count, index_sha256: ds.index_sha256 },
		rule: raw.version === 2 && raw.rule === "integer" ? "integer" : "probability",
		t_star: typeof raw.t_star === "number" ? raw.t_star : null,
		classes: {
			validation: decodeClasses(raw.classes.validation, `${where}: classes.validation`),
			test: decodeClasses(raw.classes.test, `${where}: classes.test`),
		},
	};
}

/** Fraction of windows where the two class vectors agree. */
export function agreement(a: Uint8Array, b: Uint8Array): number {
	if (a.length !== b.length || a.length === 0) throw new Error(`cannot compare ${a.length} and ${b.length} classes`);
	let same = 0;
	for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
	return same / a.length;
}
