// The model the demo runs when none is named: the trained default once it exists, else the format fixture.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ROOT } from "../cli/sim-runner.ts";

export const TRAINED_DEFAULT = join(ROOT, "models/default.htpw");
export const FIXTURE_MODEL = join(ROOT, "test/fixtures/tiny-hyper.htpw");
export const APNEA_MODEL = join(ROOT, "models/apnea.htpw");

export function defaultModel(): { path: string; note: string | undefined } {
	if (existsSync(TRAINED_DEFAULT)) return { path: TRAINED_DEFAULT, note: undefined };
	return { path: FIXTURE_MODEL, note: "models/default.htpw is not there yet: using test/fixtures/tiny-hyper.htpw (random weights, its classes mean nothing)" };
}

/** The model of a --model option: "none" for no model, a path that must exist, or the default (its note to `log`). */
export function modelOption(option: string | undefined, log?: (line: string) => void): string | undefined {
	if (option === "none") return undefined;
	if (option) {
		const path = resolve(option);
		if (!existsSync(path)) throw new Error(`no model file ${option}`);
		return path;
	}
	const chosen = defaultModel();
	if (chosen.note) log?.(chosen.note);
	return chosen.path;
}

/** The apnea model of an --apnea-model option: "none", a path that must exist, or models/apnea.htpw when it is there. */
export function apneaModelOption(option: string | undefined, log?: (line: string) => void): string | undefined {
	if (option === "none") return undefined;
	if (option) {
		const path = resolve(option);
		if (!existsSync(path)) throw new Error(`no apnea model file ${option}`);
		return path;
	}
	if (existsSync(APNEA_MODEL)) return APNEA_MODEL;
	log?.("models/apnea.htpw is not there: running without apnea minutes");
	return undefined;
}
