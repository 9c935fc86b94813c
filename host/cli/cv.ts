// `hypertiny cv`: the DS1 cross-validation figures of swept recipes (host/eval/cv.ts) into results/mitbih/cv.json
// and cv.md. Reads the fold checkpoints `hypertiny sweep` wrote and the dataset's DS1 labels; never DS2.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_DATASET_DIR } from "../data/dataset-build.ts";
import type { DatasetIndex } from "../data/dataset-format.ts";
import { beatOrderOf, type BeatOrder } from "../eval/af-context.ts";
import { AAMI, AF_RHYTHMS, BIAS_POLICIES, chooseSeed, crossValidatedDecisions, decisionPolicy, meanSd, poolFolds, readFoldPart, reportedClasses, seedResult, selectionScore, windowInfoOf, type BeatFigures, type BiasPolicy, type FoldPart, type SeedResult, type WindowInfo } from "../eval/cv.ts";
import { beatDatasetFingerprint, datasetIndexSha, earlierRows, keptRow } from "../eval/kept-rows.ts";
import { REPO_ROOT } from "../train/python.ts";
import { recipe } from "../train/recipes.ts";
import { PUBLISHED } from "../eval/release.ts";
import { DEFAULT_SWEEP_DIR } from "./sweep.ts";
import { AF_V_TEMPLATE_MATCH } from "../../modules/rhythm/beat-in-af.ts";

export const CV_USAGE = `hypertiny cv --recipe NAME[,NAME...] [--sweep ${DEFAULT_SWEEP_DIR}] [--data <dir>] [--out results/mitbih] [--json]
    Pools each seed's out-of-fold outputs over DS1 (folds 1..5 of \`hypertiny sweep\`), scores two decision-bias
    policies (tuned on the other folds only, maximising the mean F1 of SVEB, VEB and F; or none, plain argmax),
    keeps the one with the better mean of SVEB and VEB F1, and writes per-class Se/+P/F1, false V per hour (overall, in AF/flutter, per
    rhythm), the second lead and record-bootstrap intervals: mean ± sd over seeds, and the seed a recipe ships.
    A recipe with no trials in the sweep folder keeps its row from <out>/cv.json when that file was made from the
    same dataset, or from one this dataset only appends features to (so a new candidate is scored beside the
    earlier ones without sweeping them again); cv.md says which.`;

/** DS1's windows (the dataset's first train + validation windows) as cv.ts needs them: labels, records, beat order (no waveforms). */
function ds1Info(data: string): { index: DatasetIndex; info: WindowInfo; count: number; order: BeatOrder } {
	const index = JSON.parse(readFileSync(join(data, "index.json"), "utf8")) as DatasetIndex;
	const read = (f: string) => new Uint8Array(readFileSync(join(data, f)));
	const recordBytes = read(index.files.record);
	const record = new Uint16Array(recordBytes.buffer, recordBytes.byteOffset, index.count);
	const sampleBytes = read(index.files.sample);
	const sample = new Uint32Array(sampleBytes.buffer, sampleBytes.byteOffset, index.count);
	const featureBytes = read(index.files.features);
	const features = new Float32Array(featureBytes.buffer, featureBytes.byteOffset, index.count * index.features.length);
	const count = index.splits.train.count + index.splits.validation.count;
	return { index, count, info: windowInfoOf(index, read(index.files.aami5), read(index.files.rhythm), record, 0, count), order: beatOrderOf(index, features, record, sample, 0, count) };
}

export interface RecipeCv {
	recipe: string;
	about: string;
	family: string;
	task: string;
	classes: string[];
	seeds: SeedResult[];
	/** The bias policy the figures use, and each policy's mean ± sd selection score (mean of SVEB and VEB F1). */
	decision_policy: BiasPolicy;
	policy_selection: Record<BiasPolicy, ReturnType<typeof meanSd>>;
	/** Mean ± sd over seeds of the headline figures. */
	summary: Record<string, ReturnType<typeof meanSd>>;
	shipped_seed: number;
	/** What the AF rule reports N (CV_AF_RULE when scored now; rows from before it was recorded had CV_AF_RULE_S_ONLY). */
	af_rule?: string;
}

/** The app's AF rule as cv.json records it: the calls reported N while AF is reported. */
export const CV_AF_RULE = `S, and V with tpl_corr >= ${AF_V_TEMPLATE_MATCH}`;
export const CV_AF_RULE_S_ONLY = "S";

function headline(f: BeatFigures, prefix: string): Record<string, number | null> {
	const out: Record<string, number | null> = {};
	for (const c of ["S", "V", "F"]) for (const m of ["sensitivity", "ppv", "f1"] as const) out[`${prefix}${c}_${m}`] = f.per_class[c]![m];
	out[`${prefix}objective`] = f.objective;
	out[`${prefix}selection`] = f.selection;
	out[`${prefix}v_vs_rest_macro_f1`] = f.v_vs_rest_macro_f1;
	out[`${prefix}false_v_per_hour`] = f.false_v_per_hour.all;
	out[`${prefix}false_v_per_hour_af`] = f.false_v_per_hour.af;
	return out;
}

export function recipeCv(name: string, sweep: string, data: ReturnType<typeof ds1Info>): RecipeCv | string {
	const r = recipe(name);
	const dir = join(sweep, name);
	if (!existsSync(dir)) return `${name}: no trials in ${dir} (run \`npx hypertiny sweep --recipe ${name}\`)`;
	const folds = data.index.folds.length;
	const bySeed = new Map<number, { classes: string[]; parts: FoldPart[] }>();
	for (const file of readdirSync(dir).sort()) {
		const m = /^s(\d+)-f(\d+)\.json$/.exec(file);
		if (!m || Number(m[2]) === 0) continue;
		const { classes, seed, part } = readFoldPart(join(dir, file));
		const entry = bySeed.get(seed) ?? { classes, parts: [] };
		entry.parts.push(part);
		bySeed.set(seed, entry);
	}
	const complete = [...bySeed.entries()].filter(([, e]) => e.parts.length === folds).sort((a, b) => a[0] - b[0]);
	if (!complete.length) return `${name}: no seed has all ${folds} folds in ${dir}`;
	const classes = complete[0]![1].classes;
	const pooled = complete.map(([seed, e]) => {
		// Fold parts index the whole dataset, whose first windows are DS1's, in the order cv.ts works on them.
		for (const p of e.parts) {
			const outside = p.index.find((i) => i >= data.count);
			if (outside !== undefined) throw new Error(`${name} seed ${seed} fold ${p.fold}: window ${outside} is not in DS1`);
		}
		const oof = poolFolds(seed, classes.length, e.parts, data.count);
		if (!oof.quant) throw new Error(`${name} seed ${seed}: a fold checkpoint has no output quantization, so the app's AF rule cannot be replayed`);
		return oof;
	});
	// Each policy's lead-1 decisions decide between them; the figures (lead 2, bootstrap) only for the one kept.
	const decisions = Object.fromEntries(BIAS_POLICIES.map((p) => [p, pooled.map((oof) => crossValidatedDecisions(oof, data.info.labels, oof.outputs, p))])) as Record<BiasPolicy, ReturnType<typeof crossValidatedDecisions>[]>;
	const reported = (p: BiasPolicy) => decisions[p].map((d, i) => reportedClasses(pooled[i]!, pooled[i]!.outputs, d.classes, classes, data.order));
	const selections = Object.fromEntries(BIAS_POLICIES.map((p) => [p, reported(p).map((c) => selectionScore(data.info.labels, c))])) as Record<BiasPolicy, number[]>;
	const policy = decisionPolicy(selections);
	const seeds = pooled.map((oof, i) => seedResult(oof, data.info, classes, policy, decisions[policy][i], data.order));
	const policy_selection = Object.fromEntries(BIAS_POLICIES.map((p) => [p, meanSd(selections[p])])) as Record<BiasPolicy, ReturnType<typeof meanSd>>;
	const keys = Object.keys({ ...headline(seeds[0]!.lead1, ""), ...(seeds[0]!.lead2 ? headline(seeds[0]!.lead2, "lead2_") : {}) });
	const rows = seeds.map((s) => ({ ...headline(s.lead1, ""), ...(s.lead2 ? headline(s.lead2, "lead2_") : {}) }));
	const summary = Object.fromEntries(keys.map((k) => [k, meanSd(rows.map((row) => row[k] ?? null))]));
	return { recipe: name, about: r.about, family: r.family, task: r.task, classes, seeds, decision_policy: policy, policy_selection, summary, shipped_seed: chooseSeed(seeds), af_rule: CV_AF_RULE };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1));
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toFixed(3));
const ms = (m: ReturnType<typeof meanSd>, scale = 1, digits = 3) => (m ? `${(m.mean * scale).toFixed(digits)} ± ${(m.sd * scale).toFixed(digits)}` : "–");

export function cvMarkdown(results: RecipeCv[], command: string, carried: string[] = []): string {
	const earlierRule = results.filter((r) => (r.af_rule ?? CV_AF_RULE_S_ONLY) !== CV_AF_RULE).map((r) => r.recipe);
	const lines = [
		"# DS1 cross-validation (grouped by record)",
		"",
		`Made by \`${command}\` from the fold models of \`hypertiny sweep\` (host/train/recipes.ts); DS2 is not read.`,
		"Five folds of DS1's 22 records (host/data/aami.ts `DS1_FOLDS`); each window is predicted by the model that did not train",
		"on its record. Decision biases (META.decision_bias: class = argmax of int8 logit + bias) follow one of two policies per recipe:",
		"tuned (on the other four folds' windows for each fold's figures, maximising the mean F1 of SVEB, VEB and F) or zero (plain",
		"argmax); a recipe keeps the policy with the better mean of SVEB and VEB F1 over its seeds. AAMI EC57 / de Chazal convention: Q beats",
		"are not scored, F beats called V are not VEB false positives. False V per hour: beats neither V nor F called V, per hour",
		"of DS1 ECG (AF: inside `(AFIB` and `(AFL` segments). Mean ± sd over seeds; the chosen seed (the one a release of the recipe ships) has the best mean of SVEB",
		"and VEB F1. Lead 2 is the records' other signal (V1, V2, V4, V5), predicted by the same fold models. V-vs-rest: the same",
		"decisions read as V or not (F called V counts against it), the view the earlier two-class models were scored by.",
		"The classes are the ones the app reports: while its AF detector (modules/rhythm/af-detector.ts, shipped parameters, fed",
		"each record's beats in order, the model's own confident V calls and the windows' RR) reports AF, a beat called S is reported N,",
		`and one called V whose QRS matches the dominant beat (tpl_corr ≥ ${AF_V_TEMPLATE_MATCH}) too (modules/rhythm/beat-in-af.ts;`,
		"host/eval/af-context.ts). Each recipe's line below gives its figures without that rule.",
		...(carried.length ? [`Rows kept from the previous cv.json of the same dataset, or of one this dataset only appends features to (their trials were not in the sweep folder this time): ${carried.join(", ")}.`] : []),
		...(earlierRule.length ? [`Rows marked † were scored under the app's earlier AF rule, which reported only S calls N (the V part came later; their trials were not kept): ${earlierRule.join(", ")}.`] : []),
		"",
		"| recipe | seeds | SVEB Se | SVEB +P | SVEB F1 | VEB Se | VEB +P | VEB F1 | false V/h | false V/h in AF | lead-2 VEB F1 | V-vs-rest macro-F1 |",
		"|---|---:|---|---|---|---|---|---|---|---|---|---|",
	];
	for (const r of results) {
		const s = r.summary;
		lines.push(`| ${r.recipe}${earlierRule.includes(r.recipe) ? " †" : ""} | ${r.seeds.length} | ${ms(s["S_sensitivity"], 100, 1)} | ${ms(s["S_ppv"], 100, 1)} | ${ms(s["S_f1"])} | ${ms(s["V_sensitivity"], 100, 1)} | ${ms(s["V_ppv"], 100, 1)} | ${ms(s["V_f1"])} | ${ms(s["false_v_per_hour"], 1, 1)} | ${ms(s["false_v_per_hour_af"], 1, 1)} | ${ms(s["lead2_V_f1"])} | ${ms(s["v_vs_rest_macro_f1"])} |`);
	}
	lines.push("", "Recipes (bias policy: its mean of SVEB and VEB F1 tuned / zero):", "");
	for (const r of results) {
		const plain = r.seeds.map((s) => s.without_rhythm_rule).filter((p): p is NonNullable<typeof p> => p !== null);
		const without = plain.length === r.seeds.length
			? ` Without the AF rule: SVEB F1 ${ms(meanSd(plain.map((p) => p.S_f1)))}, VEB F1 ${ms(meanSd(plain.map((p) => p.V_f1)))}, false V/h ${ms(meanSd(plain.map((p) => p.false_v_per_hour)), 1, 1)}.`
			: "";
		lines.push(`- **${r.recipe}** (${r.family}, ${r.task}): ${r.about}. Biases ${r.decision_policy} (${ms(r.policy_selection.tuned)} / ${ms(r.policy_selection.zero)}).${without}`);
	}
	for (const r of results) {
		lines.push("", `## ${r.recipe}: per seed`, "", "| seed | biases (N S V F) | SVEB Se / +P / F1 [95 % CI of F1] | VEB Se / +P / F1 [95 % CI of F1] | F F1 | false V/h (AF) | lead 2: SVEB F1, VEB F1 |", "|---:|---|---|---|---:|---|---|");
		for (const s of r.seeds) {
			const c = s.lead1.per_class;
			const ci = (k: string) => (s.intervals[k]?.f1 ? `[${f3(s.intervals[k]!.f1![0])}, ${f3(s.intervals[k]!.f1![1])}]` : "");
			lines.push(`| ${s.seed}${s.seed === r.shipped_seed ? " (chosen)" : ""} | ${s.biases.join(" ")} | ${pct(c["S"]!.sensitivity)} / ${pct(c["S"]!.ppv)} / ${f3(c["S"]!.f1)} ${ci("S")} | ${pct(c["V"]!.sensitivity)} / ${pct(c["V"]!.ppv)} / ${f3(c["V"]!.f1)} ${ci("V")} | ${f3(c["F"]!.f1)} | ${s.lead1.false_v_per_hour.all.toFixed(1)} (${s.lead1.false_v_per_hour.af?.toFixed(1) ?? "–"}) | ${s.lead2 ? `${f3(s.lead2.per_class["S"]!.f1)}, ${f3(s.lead2.per_class["V"]!.f1)}` : "–"} |`);
		}
		const shipped = r.seeds.find((s) => s.seed === r.shipped_seed)!;
		lines.push("", `False V per hour by rhythm, seed ${shipped.seed}: ` + Object.entries(shipped.lead1.false_v_per_hour.by_rhythm)
			.filter(([, b]) => b.hours > 0).map(([name, b]) => `${name || "(none)"} ${b.per_hour.toFixed(1)} (${b.count} in ${b.hours.toFixed(2)} h${AF_RHYTHMS.includes(name) ? ", AF" : ""})`).join("; ") + ".");
		lines.push(`Q beats called: ${Object.entries(shipped.lead1.q_called).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}.`);
	}
	lines.push("", "## Published inter-patient results (DS1 → DS2, not cross-validation: for orientation only)", "", "| work | SVEB Se | SVEB +P | VEB Se | VEB +P |", "|---|---:|---:|---:|---:|");
	for (const p of PUBLISHED) lines.push(`| ${p.work} | ${p.sveb[0] ?? "–"} | ${p.sveb[1] ?? "–"} | ${p.veb[0] ?? "–"} | ${p.veb[1] ?? "–"} |`);
	return lines.join("\n") + "\n";
}

export async function cvCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			recipe: { type: "string" }, sweep: { type: "string" }, data: { type: "string" }, out: { type: "string" },
			json: { type: "boolean", default: false }, help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(CV_USAGE + "\n");
		return 0;
	}
	if (!values.recipe) throw new Error(`--recipe is required\nusage: ${CV_USAGE}`);
	const data = resolve(values.data ?? join(REPO_ROOT, DEFAULT_DATASET_DIR));
	if (!existsSync(join(data, "index.json"))) throw new Error(`no dataset at ${data}: run \`npx hypertiny dataset\` first`);
	const sweep = resolve(values.sweep ?? join(REPO_ROOT, DEFAULT_SWEEP_DIR));
	const info = ds1Info(data);
	const out = resolve(values.out ?? join(REPO_ROOT, "results/mitbih"));
	const indexSha = datasetIndexSha(data);
	const fingerprint = beatDatasetFingerprint(data);
	const earlier = earlierRows<RecipeCv>(join(out, "cv.json"), indexSha, fingerprint);
	const results: RecipeCv[] = [];
	const carried: string[] = [];
	const problems: string[] = [];
	for (const name of values.recipe.split(",").filter(Boolean)) {
		const r = recipeCv(name, sweep, info);
		const kept = keptRow(earlier, sweep, name, r);
		if (kept) {
			const now = recipe(name);
			results.push({ ...kept, about: now.about, family: now.family, task: now.task, af_rule: kept.af_rule ?? CV_AF_RULE_S_ONLY });
			carried.push(name);
		} else if (typeof r === "string") problems.push(r);
		else results.push(r);
	}
	for (const p of problems) process.stderr.write(p + "\n");
	if (carried.length) process.stderr.write(`kept from ${join(out, "cv.json")} (no trials in ${sweep}): ${carried.join(", ")}\n`);
	if (results.length === carried.length) {
		if (carried.length) process.stderr.write("no recipe was scored from trials, so nothing is written\n");
		return 1;
	}
	mkdirSync(out, { recursive: true });
	const command = `hypertiny cv --recipe ${values.recipe}`;
	const json = { format: "hypertiny-cv", version: 1, command, dataset: { index_sha256: indexSha, fingerprint, folds: info.index.folds }, classes: AAMI.slice(0, 4), recipes: results };
	writeFileSync(join(out, "cv.json"), JSON.stringify(json, null, 1) + "\n");
	const md = cvMarkdown(results, command, carried);
	writeFileSync(join(out, "cv.md"), md);
	if (values.json) process.stdout.write(JSON.stringify(json) + "\n");
	else process.stdout.write(md.split("\n").filter((l) => /^\| (recipe|\S+ \| \d+ \|)|^\|---/.test(l)).slice(0, 2 + results.length).join("\n") + `\nwrote ${join(out, "cv.json")} and cv.md\n`);
	return problems.length ? 1 : 0;
}
