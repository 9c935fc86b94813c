// Which models `hypertiny bench:deploy` measures: the hyper/stored pair behind the steady-state ratio (given, found
// in models/, or made from one random architecture), plus any other models (the fixture, models/*.htpw, --model).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { readModel, type Model } from "../../modules/model/index.ts";
import { NONE16 } from "../../modules/model/format.ts";
import { randomModelBlob, type RandomModelOptions } from "../pack/random-model.ts";
import { storedTwinBlob } from "./stored-twin.ts";

export interface BenchModel {
	name: string;
	path: string;
	/** "hyper" and "stored" are the pair compared like for like; "other" models are measured alone. */
	role: "hyper" | "stored" | "other";
	origin: string;
}

/** The random architecture of the default pair: a 256-sample ECG-like window, four separable blocks. */
export const RANDOM_PAIR = { seed: 2026, options: { family: "lowrank", length: 256, channels: 1, blocks: 4, forceAllBits: true, forceResidual: true } as RandomModelOptions };

function load(path: string): Model {
	return readModel(new Uint8Array(readFileSync(path)));
}

/** Tensor shapes and op kinds, generated PW counted as PW: equal for a hyper model and its stored twin. */
function backboneKey(m: Model): string {
	const ops = m.ops.map((op) => `${op.opcode}:${op.in0}:${op.out}:${op.k}:${op.stride}`);
	const tensors = m.tensors.map((t) => `${t.length}x${t.channels}`);
	return `${tensors.join(",")}|${ops.join(",")}`;
}

/** A hyper model (generated PW) and an all-stored model with the same backbone among `paths`, if any. */
export function findPair(paths: string[]): { hyper: string; stored: string } | null {
	const models = paths.map((path) => ({ path, model: load(path) }));
	for (const h of models) {
		if (!h.model.ops.some((op) => op.genLayer !== NONE16)) continue;
		const key = backboneKey(h.model);
		const s = models.find((x) => x.model.genCount === 0 && backboneKey(x.model) === key);
		if (s) return { hyper: h.path, stored: s.path };
	}
	return null;
}

/** The random pair, written into dir. */
export function randomPair(dir: string): { hyper: string; stored: string } {
	const blob = randomModelBlob(RANDOM_PAIR.seed, RANDOM_PAIR.options);
	const hyper = join(dir, `random-${RANDOM_PAIR.seed}-hyper.htpw`);
	const stored = join(dir, `random-${RANDOM_PAIR.seed}-stored.htpw`);
	writeFileSync(hyper, blob);
	writeFileSync(stored, storedTwinBlob(readModel(blob)));
	return { hyper, stored };
}

export function htpwFilesIn(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => f.endsWith(".htpw"))
		.sort()
		.map((f) => resolve(dir, f));
}

/** The nRF52840's flash: a model larger than this cannot be linked (the large CNN), so it is not measured. */
export const FLASH_LIMIT_BYTES = 1024 * 1024;

/** Drops models that cannot fit the flash, and second copies of the same bytes (models/default.htpw). */
export function measurable(paths: string[], notice: (line: string) => void = () => {}): string[] {
	const seen = new Set<string>();
	return paths.filter((p) => {
		const size = statSync(p).size;
		if (size > FLASH_LIMIT_BYTES) {
			notice(`${basename(p)}: ${size} bytes do not fit the nRF52840's ${FLASH_LIMIT_BYTES}-byte flash; not measured`);
			return false;
		}
		const hash = createHash("sha256").update(readFileSync(p)).digest("hex");
		if (seen.has(hash)) {
			notice(`${basename(p)}: the same bytes as a model already measured; not measured twice`);
			return false;
		}
		seen.add(hash);
		return true;
	});
}

/** `paths` with the default model's bytes (models/default.htpw, or its twin) first: the pair the headline compares. */
function defaultFirst(paths: string[], modelsDir: string): string[] {
	const def = join(modelsDir, "default.htpw");
	if (!existsSync(def)) return paths;
	const hash = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
	const want = hash(def);
	return [...paths.filter((p) => hash(p) === want), ...paths.filter((p) => hash(p) !== want)];
}

export interface ModelChoice {
	/** --pair hyper,stored */
	pair?: [string, string];
	/** --model (repeatable); when absent: the fixture and every models/*.htpw. */
	models?: string[];
	modelsDir: string;
	fixture: string;
	/** Where generated models are written. */
	workDir: string;
	/** Told about each model of modelsDir that is not measured, and why. */
	notice?: (line: string) => void;
}

export function chooseModels(choice: ModelChoice): BenchModel[] {
	const found = measurable(htpwFilesIn(choice.modelsDir), (line) => {
		process.stderr.write(`bench:deploy: ${line}\n`);
		choice.notice?.(line);
	});
	let pair: { hyper: string; stored: string };
	let origin: string;
	if (choice.pair) {
		pair = { hyper: resolve(choice.pair[0]), stored: resolve(choice.pair[1]) };
		origin = "--pair";
	} else {
		const trained = findPair(defaultFirst(found, choice.modelsDir));
		pair = trained ?? randomPair(choice.workDir);
		origin = trained ? `${choice.modelsDir} (same backbone)` : `host/pack/random-model.ts seed ${RANDOM_PAIR.seed}, stored twin by host/bench/stored-twin.ts`;
	}
	const others = (choice.models ?? [choice.fixture, ...found]).map((p) => resolve(p)).filter((p) => p !== pair.hyper && p !== pair.stored);
	const name = (p: string) => basename(p, ".htpw");
	return [
		{ name: name(pair.hyper), path: pair.hyper, role: "hyper", origin },
		{ name: name(pair.stored), path: pair.stored, role: "stored", origin },
		...[...new Set(others)].map((p): BenchModel => ({ name: name(p), path: p, role: "other", origin: p })),
	];
}
