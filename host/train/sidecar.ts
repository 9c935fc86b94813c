// models/<name>.float.json: what the float (fake-quant, PyTorch) model decided per window, so that `hypertiny eval`
// can measure float-vs-integer agreement without PyTorch (the contract between trainer and eval, models/README.md).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Checkpoint } from "../pack/checkpoint.ts";

export interface FloatSidecar {
	name: string;
	family: string;
	task: string;
	train_seconds: number;
	command: string;
	seed: number;
	dataset: { count: number; index_sha256: string };
	/** The float model's validation-tuned threshold (v-vs-rest), else null. */
	t_star: number | null;
	/** base64 of uint8 class per window of the split, in dataset order. */
	classes: { validation: string; test: string };
}

export function sidecarPath(modelPath: string): string {
	return modelPath.replace(/\.htpw$/, "") + ".float.json";
}

/** The sidecar of a checkpoint trained on whole splits; an error says why one cannot be written. */
export function buildSidecar(c: Checkpoint, dataDir: string, command: string, trainSeconds: number): FloatSidecar {
	const predictions = (c as Checkpoint & { predictions?: Record<string, string> }).predictions ?? {};
	if (!predictions["validation"] || !predictions["test"]) throw new Error("the checkpoint lacks per-window classes of the whole validation and test splits (trained with --max-val/--max-test/--skip-test?)");
	const indexText = readFileSync(join(dataDir, "index.json"));
	const index = JSON.parse(indexText.toString("utf8")) as { count: number };
	const sha = createHash("sha256").update(indexText).digest("hex");
	const trained = (c.provenance["dataset"] as { index_sha256?: string } | undefined)?.index_sha256;
	if (trained && trained !== sha) throw new Error(`${dataDir}/index.json changed since training (sha256 ${sha}, trained on ${trained})`);
	const seed = c.provenance["seed"];
	return {
		name: c.name, family: c.family, task: c.task, train_seconds: Math.round(trainSeconds), command,
		seed: typeof seed === "number" ? seed : Number(seed),
		dataset: { count: index.count, index_sha256: sha },
		t_star: c.task === "v-vs-rest" ? c.t_star : null,
		classes: { validation: predictions["validation"], test: predictions["test"] },
	};
}

export function writeSidecar(path: string, sidecar: FloatSidecar): void {
	writeFileSync(path, JSON.stringify(sidecar, null, 1) + "\n");
}
