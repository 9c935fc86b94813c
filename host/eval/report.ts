// `hypertiny report`: every packed model in a folder evaluated on DS2 by the integer engine, written as
// pareto.json (one row per model and task), README.md (the table, how it was made) and pareto.svg.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { readDataset } from "../data/dataset-format.ts";
import type { EngineName } from "./engine.ts";
import { AAMI5_RULE, evaluateModel, T_STAR_RULE, type EvalRow } from "./evaluate.ts";
import { isApneaModel } from "../rhythm/apnea-eval.ts";
import { isBeatModel } from "./evaluate-beat.ts";
import { paretoSvg } from "./pareto-svg.ts";
import { readSidecar, sidecarPath } from "./sidecar.ts";

export const DEFAULT_MODEL_FILE = "default.htpw";

export interface ReportRow extends EvalRow {
	/** The models/ file evaluated. */
	file: string;
	/** This row's bytes are also models/default.htpw (the demo model). */
	default: boolean;
}

export interface ReportOptions {
	modelsDir: string;
	dataDir: string;
	outDir: string;
	engine?: EngineName;
	threads?: number;
	cacheDir?: string;
	log?: (line: string) => void;
	notice?: (line: string) => void;
	/** Paths as the README shows them (relative to this). */
	root: string;
}

function sha256(bytes: Uint8Array): string {
	return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The models to evaluate: every .htpw but N/S/V/F (aami4) models, which `hypertiny report --release` reads on DS2
 * per recipe (results/mitbih/release.md); default.htpw only when it is not a copy of another file.
 */
export function modelFiles(modelsDir: string): { files: string[]; defaultTwin: string | null } {
	const all = readdirSync(modelsDir).filter((f) => f.endsWith(".htpw") && !isBeatModel(join(modelsDir, f)) && !isApneaModel(join(modelsDir, f))).sort();
	const hashes = new Map(all.map((f) => [f, sha256(readFileSync(join(modelsDir, f)))]));
	const def = all.includes(DEFAULT_MODEL_FILE) ? hashes.get(DEFAULT_MODEL_FILE) : undefined;
	const twin = def === undefined ? null : all.find((f) => f !== DEFAULT_MODEL_FILE && hashes.get(f) === def) ?? null;
	return { files: all.filter((f) => !(f === DEFAULT_MODEL_FILE && twin)), defaultTwin: twin ?? (def ? DEFAULT_MODEL_FILE : null) };
}

const FAMILY_ORDER = ["large-cnn", "separable-int8", "hyper-paper", "compact"];

function familyRank(f: string): number {
	const i = FAMILY_ORDER.indexOf(f);
	return i >= 0 ? i : f.startsWith("hyper-") ? 2.5 : FAMILY_ORDER.length;
}

export function sortRows<T extends EvalRow>(rows: T[]): T[] {
	return [...rows].sort((a, b) => a.task.localeCompare(b.task) || familyRank(a.family) - familyRank(b.family) || a.flash_bytes - b.flash_bytes || a.name.localeCompare(b.name));
}

function f4(x: number | null): string {
	return x === null ? "–" : x.toFixed(4);
}

function ci(i: [number, number] | null): string {
	return i ? `[${i[0].toFixed(3)}, ${i[1].toFixed(3)}]` : "–";
}

function duration(s: number | null): string {
	if (s === null) return "–";
	const m = Math.floor(s / 60);
	return m > 0 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.round(s)} s`;
}

function acceptance(rows: ReportRow[]): string[] {
	const lines: string[] = [];
	const def = rows.find((r) => r.default);
	const large = rows.find((r) => r.family === "large-cnn" && r.task === "v-vs-rest");
	if (def && def.macro_f1 !== null) {
		lines.push(`- Default model (\`models/${DEFAULT_MODEL_FILE}\` = \`${def.file}\`, ${def.flash_bytes} bytes): DS2 V-vs-rest macro-F1 ${f4(def.macro_f1)} ` +
			`(${def.macro_f1 >= 0.9 ? "meets" : "MISSES"} the ≥ 0.90 target).`);
		if (large && large.macro_f1) {
			const ratio = def.macro_f1 / large.macro_f1;
			lines.push(`- Against the large CNN (${large.name}, ${large.flash_bytes} bytes, macro-F1 ${f4(large.macro_f1)}) in the same run: ` +
				`${(100 * ratio).toFixed(1)}% (${ratio >= 0.95 ? "meets" : "MISSES"} the ≥ 95% target), at ${(large.flash_bytes / def.flash_bytes).toFixed(1)}× fewer bytes.`);
		} else lines.push("- No large-CNN V-vs-rest row: the ≥ 95% comparison cannot be made.");
	} else lines.push(`- \`models/${DEFAULT_MODEL_FILE}\` is not in this table (an N/S/V/F default is read on DS2 by \`hypertiny report --release\`: release.md).`);
	const missing = rows.filter((r) => r.agreement === null).map((r) => r.name);
	const low = rows.filter((r) => r.agreement !== null && r.agreement < 0.99).map((r) => `${r.name} (${f4(r.agreement)})`);
	lines.push(`- Float-vs-integer agreement ≥ 0.99 on DS2: ${low.length === 0 && missing.length === 0 ? "every model" : [low.length ? `below for ${low.join(", ")}` : "", missing.length ? `not measured for ${missing.join(", ")} (no float classes of DS2: their trainer, blind since issue 14, never predicts DS2; \`hypertiny eval --split val\` gives the validation agreement)` : ""].filter(Boolean).join("; ")}.`);
	return lines;
}

function commandOf(value: unknown): string | null {
	if (Array.isArray(value)) return value.map(String).join(" ");
	return typeof value === "string" ? value : null;
}

export function reportReadme(rows: ReportRow[], trainCommands: { name: string; command: string }[], options: { dataDir: string; modelsDir: string; outDir: string }): string {
	const table = [
		"| model | family | task | flash bytes | macro-F1 | 95% CI | balanced acc. | AUC | t* | agreement | training |",
		"|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|",
		...rows.map((r) =>
			`| ${r.name}${r.default ? " (default)" : ""} | ${r.family} | ${r.task} | ${r.flash_bytes} | ${f4(r.macro_f1)} | ${ci(r.ci95)} | ${f4(r.balanced_accuracy)} | ${f4(r.auc)} | ` +
			`${r.t_star ?? "argmax"} | ${f4(r.agreement)} | ${duration(r.train_seconds)} |`),
	];
	const perClass = rows.map((r) =>
		`| ${r.name} | ${r.task} | ` + Object.entries(r.per_class).map(([c, m]) => `${c}: F1 ${f4(m.f1)}, Se ${f4(m.sensitivity)}, PPV ${f4(m.ppv)} (n ${m.support})`).join("; ") + " |");
	const first = rows[0];
	return [
		"# MIT-BIH: macro-F1 vs flash (the Pareto table)",
		"",
		"Every packed model in `models/` evaluated on DS2 (the inter-patient test records, de Chazal 2004) by the project's",
		"integer engine (the C core of `native/`, the same kernels as the device), windows quantized with the device's rule",
		"(`modules/runtime/quantize.ts`). Written by `hypertiny report`; rerunning it, or `hypertiny eval --model <m> --split test --json`",
		"on one model, reproduces these rows exactly. Machine-readable: [pareto.json](pareto.json); plot: [pareto.svg](pareto.svg).",
		"",
		"![macro-F1 vs flash](pareto.svg)",
		"",
		...table,
		"",
		"## Acceptance (issue 3)",
		"",
		...acceptance(rows),
		"",
		"## Per class",
		"",
		"| model | task | per class (DS2) |",
		"|---|---|---|",
		...perClass,
		"",
		"## How the numbers are made",
		"",
		`- Decisions. V-vs-rest: ${T_STAR_RULE}. aami5: ${AAMI5_RULE}. t* is chosen on the validation records (held-out DS1) only and frozen for DS2.`,
		"- Metrics: per-class F1, sensitivity (Se) and PPV; macro-F1 = mean F1 over the classes that occur in labels or predictions; balanced accuracy = mean sensitivity;",
		"  AUC = Mann–Whitney on the integer margin score (V-vs-rest: of V; aami5: one-vs-rest macro mean).",
		first ? `- 95% CIs: percentile intervals of ${first.bootstrap.resamples} bootstrap resamples **over records** (each resample draws the ${first.records} DS2 records with replacement), seed ${first.bootstrap.seed}.` : "",
		"- Inputs: a model whose META lists `features` takes them as channels after the window (docs/FORMAT.md §6): the beat context of",
		"  `modules/ecg/beat-features.ts` (RR intervals, QRS against the patient's dominant beat), stored per window by `hypertiny dataset`,",
		"  quantized with the window by the same rule.",
		"- Agreement: the fraction of DS2 windows where the integer engine's class equals the float (fake-quant PyTorch) model's class from the trainer's",
		"  `models/<name>.float.json`, both under the sidecar's rule: for sidecars of `hypertiny train` the same integer rule and t* as this table",
		"  (`hypertiny train` tunes t* with this evaluation's code, host/eval/decide.ts, on the trainer's engine-exact outputs, and writes it to META as",
		"  `t_star_score` and as the equivalent P(V) threshold `t_star` the device applies); older sidecars: V iff P(V) ≥ their t*.",
		"  `agreement_decisions` in pareto.json compares with this table's decisions.",
		"- flash bytes: the size of the `.htpw` file (`hypertiny inspect` breaks it down by role).",
		"- training: `train_seconds` from each model's float sidecar (wall time on the 2-core development machine).",
		"",
		"## Commands",
		"",
		"```sh",
		`./bin/hypertiny.js dataset --out ${options.dataDir}`,
		...trainCommands.map((c) => `# ${c.name}\n${c.command}`),
		`./bin/hypertiny.js report --models ${options.modelsDir} --data ${options.dataDir} --out ${options.outDir}`,
		"```",
		"",
	].join("\n");
}

export async function writeReport(o: ReportOptions): Promise<ReportRow[]> {
	const log = o.log ?? (() => {});
	const { files, defaultTwin } = modelFiles(o.modelsDir);
	if (files.length === 0) throw new Error(`no .htpw models in ${o.modelsDir}`);
	const dataset = await readDataset(o.dataDir);
	const rows: ReportRow[] = [];
	const trainCommands: { name: string; command: string }[] = [];
	for (const file of files) {
		const started = Date.now();
		const path = join(o.modelsDir, file);
		const row = await evaluateModel({ modelPath: path, split: "test", dataDir: o.dataDir, dataset, engine: o.engine, threads: o.threads, cacheDir: o.cacheDir, notice: o.notice });
		rows.push({ ...row, file, default: file === defaultTwin });
		const side = sidecarPath(path, row.name);
		const command = side ? commandOf(readSidecar(side).command) : null;
		if (command) trainCommands.push({ name: row.name, command });
		log(`${file}: macro-F1 ${f4(row.macro_f1)} ${ci(row.ci95)}, ${row.flash_bytes} bytes (${((Date.now() - started) / 1000).toFixed(1)} s)`);
	}
	const sorted = sortRows(rows);
	mkdirSync(o.outDir, { recursive: true });
	const rel = (p: string) => relative(o.root, p) || ".";
	writeFileSync(join(o.outDir, "pareto.json"), JSON.stringify(sorted, null, 1) + "\n");
	writeFileSync(join(o.outDir, "pareto.svg"), paretoSvg(sorted, "MIT-BIH DS2: macro-F1 vs flash (integer engine)"));
	writeFileSync(join(o.outDir, "README.md"), reportReadme(sorted, trainCommands.sort((a, b) => a.name.localeCompare(b.name)), { dataDir: rel(o.dataDir), modelsDir: rel(o.modelsDir), outDir: rel(o.outDir) }));
	return sorted;
}

