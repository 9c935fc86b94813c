// What a command needs before it can start, checked up front so that a missing piece is reported with the command
// that makes it rather than as a raw file error from deep inside.
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import { DATASET_VERSION } from "../data/dataset-format.ts";
import { REPO_ROOT } from "../train/python.ts";

function shown(path: string): string {
	const rel = relative(process.cwd(), path);
	return rel && !rel.startsWith("..") ? rel : path;
}

/** The command that (re)builds the dataset in `dir`. */
export function datasetCommand(dir: string): string {
	return resolve(dir) === resolve(REPO_ROOT, DEFAULT_DATASET_DIR) ? "npx hypertiny dataset" : `npx hypertiny dataset --out ${shown(dir)}`;
}

/** The beat-window dataset eval and report read: there, and made by this version of the builder. */
export function requireDataset(dir: string): void {
	const index = join(dir, "index.json");
	if (!existsSync(index)) throw new Error(`no dataset at ${shown(dir)}: run \`${datasetCommand(dir)}\` (it needs MIT-BIH: \`npx hypertiny data fetch mitdb\`)`);
	let version: unknown;
	try {
		version = (JSON.parse(readFileSync(index, "utf8")) as { version?: unknown }).version;
	} catch {
		throw new Error(`${shown(index)} is not readable JSON: rebuild it with \`${datasetCommand(dir)}\``);
	}
	if (version !== DATASET_VERSION) {
		throw new Error(`the dataset at ${shown(dir)} is version ${String(version)}, this code reads version ${DATASET_VERSION}: rebuild it with \`${datasetCommand(dir)}\``);
	}
}

/** A model file named on the command line. */
export function requireModel(path: string): void {
	if (!existsSync(path)) throw new Error(`no model at ${shown(path)} (models/ holds the trained ones; \`npx hypertiny train --help\` makes more)`);
}

/** A record the app can play: at least one sample. */
export function requireSamples(recording: { name: string; samples: ArrayLike<number> }): void {
	if (recording.samples.length === 0) throw new Error(`record ${recording.name} has no samples: nothing to play`);
}

/**
 * Why a run asked to classify with `model` did not (the app's final `model` status is not "ready"), or undefined
 * when it did or no model was asked for.
 */
export function modelNotUsed(model: string | undefined, status: unknown): string | undefined {
	if (model === undefined || status === "ready") return undefined;
	return `the app could not use ${model} (model ${String(status)}): it ran without classifying beats`;
}

/** An apnea model named with --apnea-model that the app reports as not ready (the default one is not insisted on). */
export function apneaModelNotUsed(option: string | undefined, model: string | undefined, status: unknown): string | undefined {
	if (option === undefined || model === undefined || status === "ready") return undefined;
	return `the app could not use ${model} (apnea model ${String(status)}): it ran without apnea minutes`;
}
