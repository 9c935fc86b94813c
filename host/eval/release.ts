// The release of N/S/V/F recipes (issue 14, item 3): every seed's shipped-form model (fold 0: trained on all of
// DS1 by `hypertiny sweep --folds 0`) packed with the decision biases `hypertiny cv` chose for it, evaluated once
// on DS2 by the integer engine; mean ± sd over seeds per recipe, and the row of the seed the recipe ships, whose
// .htpw and float sidecar go to models/. Nothing here chooses anything from DS2: biases, policy and the shipped
// seed come from results/mitbih/cv.json (DS1 cross-validation) or, for a recipe without CV, are plain argmax and
// the lowest seed.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../data/dataset-format.ts";
import { readCheckpoint } from "../pack/checkpoint.ts";
import { exportCheckpoint } from "../pack/export-model.ts";
import { recipe } from "../train/recipes.ts";
import { buildBeatSidecar, sidecarPath, writeSidecar } from "../train/sidecar.ts";
import { meanSd, type MeanSd } from "./cv.ts";
import { evaluateBeatModel, type BeatEvalRow } from "./evaluate-beat.ts";
import { AF_V_TEMPLATE_MATCH } from "../../modules/rhythm/beat-in-af.ts";

export interface CvChoice {
	/** Where the biases and the shipped seed come from. */
	source: "cv" | "none";
	biases: Map<number, number[]>;
	shipped_seed: number | null;
}

interface CvJson {
	recipes: { recipe: string; shipped_seed: number; decision_policy?: string; seeds: { seed: number; biases: number[] }[] }[];
}

/** What `hypertiny cv` chose for a recipe (its seeds' biases, its shipped seed), or nothing when it has no CV. */
export function cvChoice(cvPath: string, name: string): CvChoice {
	if (existsSync(cvPath)) {
		const cv = JSON.parse(readFileSync(cvPath, "utf8")) as CvJson;
		const r = cv.recipes.find((x) => x.recipe === name);
		if (r) return { source: "cv", biases: new Map(r.seeds.map((s) => [s.seed, s.biases])), shipped_seed: r.shipped_seed };
	}
	return { source: "none", biases: new Map(), shipped_seed: null };
}

/** The seeds with a fold-0 checkpoint in <sweep>/<recipe>. */
export function shippedFormSeeds(sweep: string, name: string): number[] {
	const dir = join(sweep, name);
	if (!existsSync(dir)) return [];
	return readdirSync(dir).map((f) => /^s(\d+)-f0\.json$/.exec(f)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
}

export interface ReleaseSeedRow {
	seed: number;
	file: string;
	decision_bias: number[];
	row: BeatEvalRow;
}

export interface ReleaseRecipe {
	recipe: string;
	about: string;
	family: string;
	bias_source: CvChoice["source"];
	shipped_seed: number;
	/** models/<recipe>.htpw: the shipped seed's model, as evaluated here. */
	model: string;
	seeds: ReleaseSeedRow[];
	summary: Record<string, MeanSd | null>;
}

/** The headline figures of one DS2 row, the keys of ReleaseRecipe.summary. */
export function releaseFigures(r: BeatEvalRow): Record<string, number | null> {
	const out: Record<string, number | null> = {};
	for (const c of ["S", "V", "F"]) for (const m of ["sensitivity", "ppv", "f1"] as const) out[`${c}_${m}`] = r.lead1.per_class[c]![m];
	out["false_v_per_hour"] = r.lead1.false_v_per_hour.all;
	out["false_v_per_hour_af"] = r.lead1.false_v_per_hour.af;
	out["lead2_S_f1"] = r.lead2.per_class["S"]!.f1;
	out["lead2_V_f1"] = r.lead2.per_class["V"]!.f1;
	out["v_vs_rest_macro_f1"] = r.lead1.v_vs_rest_macro_f1;
	return out;
}

export async function releaseRecipe(o: {
	name: string; sweep: string; cvPath: string; workDir: string; modelsDir: string; dataDir: string; dataset: Dataset;
	threads?: number; cacheDir?: string; log?: (line: string) => void;
}): Promise<ReleaseRecipe> {
	const r = recipe(o.name);
	const seeds = shippedFormSeeds(o.sweep, o.name);
	if (!seeds.length) throw new Error(`${o.name}: no fold-0 models in ${join(o.sweep, o.name)} (run \`npx hypertiny sweep --recipe ${o.name} --folds 0\`)`);
	const choice = cvChoice(o.cvPath, o.name);
	const shipped = choice.shipped_seed ?? seeds[0]!;
	if (!seeds.includes(shipped)) throw new Error(`${o.name}: cross-validation chose seed ${shipped}, which has no fold-0 model in ${join(o.sweep, o.name)}`);
	mkdirSync(o.workDir, { recursive: true });
	const rows: ReleaseSeedRow[] = [];
	for (const seed of seeds) {
		const bias = choice.source === "cv" ? choice.biases.get(seed) : [0, 0, 0, 0];
		if (!bias) throw new Error(`${o.name}: seed ${seed} has a fold-0 model but no cross-validation (its folds 1-5 were not swept); rerun \`hypertiny cv\` after sweeping them`);
		const ckpt = readCheckpoint(join(o.sweep, o.name, `s${seed}-f0.json`));
		ckpt.decision_bias = bias;
		ckpt.provenance["trained_as"] = ckpt.name;
		ckpt.name = o.name;
		const base = join(o.workDir, `${o.name}-s${seed}`);
		writeFileSync(`${base}.checkpoint.json`, JSON.stringify(ckpt) + "\n");
		exportCheckpoint(`${base}.checkpoint.json`, `${base}.htpw`);
		const started = Date.now();
		const row = await evaluateBeatModel({ modelPath: `${base}.htpw`, split: "test", dataset: o.dataset, dataDir: o.dataDir, threads: o.threads, cacheDir: o.cacheDir });
		rows.push({ seed, file: `${base}.htpw`, decision_bias: bias, row });
		o.log?.(`${o.name} seed ${seed}: DS2 SVEB F1 ${row.lead1.per_class["S"]!.f1?.toFixed(3)}, VEB F1 ${row.lead1.per_class["V"]!.f1?.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
		if (seed === shipped) {
			const model = join(o.modelsDir, `${o.name}.htpw`);
			copyFileSync(`${base}.htpw`, model);
			writeSidecar(sidecarPath(model), buildBeatSidecar(ckpt, o.dataDir, `hypertiny sweep --recipe ${o.name} --seeds ${seed} --folds 0 && hypertiny report --release ${o.name}`, Number(ckpt.provenance["seconds"] ?? 0)));
		}
	}
	const figures = rows.map((s) => releaseFigures(s.row));
	const summary = Object.fromEntries(Object.keys(figures[0]!).map((k) => [k, meanSd(figures.map((f) => f[k] ?? null))]));
	return { recipe: o.name, about: r.about, family: r.family, bias_source: choice.source, shipped_seed: shipped, model: `${o.name}.htpw`, seeds: rows, summary };
}

/** Published inter-patient results (DS1 → DS2): SVEB and VEB Se / +P (%). */
export const PUBLISHED = [
	{ work: "de Chazal et al. 2004", sveb: [75.9, 38.5], veb: [77.7, 81.9] },
	{ work: "Llamedo & Martínez 2011", sveb: [77, 39], veb: [77, 82] },
	{ work: "Huang et al. 2014", sveb: [91, 42], veb: [94, 91] },
	{ work: "Garcia et al. 2017", sveb: [62, 53], veb: [87, 59] },
	{ work: "Alfaras et al. 2019", sveb: [null, null], veb: [92.7, 86.1] },
	{ work: "Niu et al. 2020 (SVEB F1 only)", sveb: [null, null], veb: [null, null], sveb_f1: 0.77 },
] as const;

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1));
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toFixed(3));
const ms = (m: MeanSd | null | undefined, scale = 1, digits = 3) => (m ? `${(m.mean * scale).toFixed(digits)} ± ${(m.sd * scale).toFixed(digits)}` : "–");
const f1From = (se: number, pp: number) => (2 * se * pp) / (se + pp);

export function releaseMarkdown(recipes: ReleaseRecipe[], command: string): string {
	const lines = [
		"# MIT-BIH DS2: the released N/S/V/F recipes",
		"",
		`Made by \`${command}\`: every seed's model trained on all of DS1 (\`hypertiny sweep --folds 0\`), packed with the decision`,
		"biases DS1 cross-validation chose for it (results/mitbih/cv.md), run by the integer engine on DS2 (de Chazal's 22 inter-patient",
		"test records), once per released model, and decided as the app decides (`decision` in release.json: while the app's AF detector",
		`reports AF, S is reported N, and V whose QRS matches the dominant beat, tpl_corr ≥ ${AF_V_TEMPLATE_MATCH}). Nothing was chosen from these figures. AAMI EC57 / de Chazal convention: Q beats are not`,
		"scored, F beats called V are not VEB false positives. False V per hour: beats neither V nor F called V (AF: inside `(AFIB`/`(AFL`).",
		"Lead 2: DS2's other signal (V1, V2, V4, V5). Mean ± sd over seeds; the shipped row is the seed cross-validation chose.",
		"",
		"| recipe | seeds | SVEB Se | SVEB +P | SVEB F1 | VEB Se | VEB +P | VEB F1 | false V/h | false V/h in AF | lead-2 VEB F1 | V-vs-rest macro-F1 |",
		"|---|---:|---|---|---|---|---|---|---|---|---|---|",
	];
	for (const r of recipes) {
		const s = r.summary;
		lines.push(`| ${r.recipe} | ${r.seeds.length} | ${ms(s["S_sensitivity"], 100, 1)} | ${ms(s["S_ppv"], 100, 1)} | ${ms(s["S_f1"])} | ${ms(s["V_sensitivity"], 100, 1)} | ${ms(s["V_ppv"], 100, 1)} | ${ms(s["V_f1"])} | ${ms(s["false_v_per_hour"], 1, 1)} | ${ms(s["false_v_per_hour_af"], 1, 1)} | ${ms(s["lead2_V_f1"])} | ${ms(s["v_vs_rest_macro_f1"])} |`);
	}
	lines.push("", "## Shipped models", "", "| model | seed | bytes | biases (N S V F) | SVEB Se / +P / F1 [95 % CI] | VEB Se / +P / F1 [95 % CI] | F F1 | false V/h (AF) | lead 2: SVEB F1, VEB F1 |", "|---|---:|---:|---|---|---|---:|---|---|");
	for (const r of recipes) {
		const s = r.seeds.find((x) => x.seed === r.shipped_seed)!;
		const f = s.row.lead1.per_class;
		const ci = (c: string) => {
			const i = s.row.lead1_ci95[c]?.f1;
			return i ? `[${f3(i[0])}, ${f3(i[1])}]` : "";
		};
		lines.push(`| models/${r.model} | ${s.seed} | ${s.row.flash_bytes} | ${s.decision_bias.join(" ")}${r.bias_source === "none" ? " (no CV: argmax)" : ""} | ${pct(f["S"]!.sensitivity)} / ${pct(f["S"]!.ppv)} / ${f3(f["S"]!.f1)} ${ci("S")} | ${pct(f["V"]!.sensitivity)} / ${pct(f["V"]!.ppv)} / ${f3(f["V"]!.f1)} ${ci("V")} | ${f3(f["F"]!.f1)} | ${s.row.lead1.false_v_per_hour.all.toFixed(1)} (${s.row.lead1.false_v_per_hour.af?.toFixed(1) ?? "–"}) | ${f3(s.row.lead2.per_class["S"]!.f1)}, ${f3(s.row.lead2.per_class["V"]!.f1)} |`);
	}
	for (const r of recipes) {
		lines.push("", `## ${r.recipe}: per seed (${r.about})`, "", "| seed | biases | SVEB Se / +P / F1 | VEB Se / +P / F1 | F F1 | false V/h (AF) | lead-2 VEB F1 |", "|---:|---|---|---|---:|---|---:|");
		for (const s of r.seeds) {
			const f = s.row.lead1.per_class;
			lines.push(`| ${s.seed}${s.seed === r.shipped_seed ? " (shipped)" : ""} | ${s.decision_bias.join(" ")} | ${pct(f["S"]!.sensitivity)} / ${pct(f["S"]!.ppv)} / ${f3(f["S"]!.f1)} | ${pct(f["V"]!.sensitivity)} / ${pct(f["V"]!.ppv)} / ${f3(f["V"]!.f1)} | ${f3(f["F"]!.f1)} | ${s.row.lead1.false_v_per_hour.all.toFixed(1)} (${s.row.lead1.false_v_per_hour.af?.toFixed(1) ?? "–"}) | ${f3(s.row.lead2.per_class["V"]!.f1)} |`);
		}
	}
	lines.push("", "## Published inter-patient results (DS1 → DS2)", "", "| work | SVEB Se | SVEB +P | SVEB F1 | VEB Se | VEB +P | VEB F1 |", "|---|---:|---:|---:|---:|---:|---:|");
	for (const p of PUBLISHED) {
		const [sse, spp] = p.sveb;
		const [vse, vpp] = p.veb;
		const svebF1 = "sveb_f1" in p ? p.sveb_f1.toFixed(2) : sse !== null && spp !== null ? (f1From(sse, spp) / 100).toFixed(2) : "–";
		lines.push(`| ${p.work} | ${sse ?? "–"} | ${spp ?? "–"} | ${svebF1} | ${vse ?? "–"} | ${vpp ?? "–"} | ${vse !== null && vpp !== null ? (f1From(vse, vpp) / 100).toFixed(2) : "–"} |`);
	}
	return lines.join("\n") + "\n";
}
