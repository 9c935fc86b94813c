// `hypertiny apnea dataset|cv|release`: sleep apnea per minute from RR intervals (issue 15, item 2). `dataset` builds
// the minute windows from Apnea-ECG's beat times (host/rhythm/apnea-dataset.ts); `cv` scores swept recipes by
// cross-validation over the learning set, folds by subject, and chooses each seed's threshold and the shipped seed;
// `release` evaluates every seed once on the test set with the integer engine and ships the chosen one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { apneaRecipeCv, RECORDING_RULE_PER_HOUR, SCORE_MINUTES_TRIED, releaseApnea, sharedSubjects, type ApneaFigures, type ApneaRecipeCv, type ApneaRelease } from "../rhythm/apnea-eval.ts";
import { apneaSvg } from "../rhythm/apnea-plot.ts";
import { apneaDataset, apneaIndexShaBeforeSpread, buildApneaDataset, DEFAULT_APNEA_DIR } from "../rhythm/apnea-dataset.ts";
import type { MeanSd } from "../eval/cv.ts";
import { datasetIndexSha, earlierRows, keptRow } from "../eval/kept-rows.ts";
import { recipe } from "../train/recipes.ts";
import { REPO_ROOT } from "../train/python.ts";
import { DEFAULT_SWEEP_DIR } from "./sweep.ts";

export const APNEA_USAGE = `hypertiny apnea dataset [--out ${DEFAULT_APNEA_DIR}]
    the per-minute inputs of all 70 Apnea-ECG recordings (modules/rhythm/apnea-input.ts), labels, subjects, folds
hypertiny apnea cv --recipe apnea[,apnea-int8] [--sweep ${DEFAULT_SWEEP_DIR}] [--out results/rhythm]
    the learning set's cross-validation (folds of whole subjects) of swept recipes: per-minute accuracy, Se, Sp, AUC,
    per recording; each seed's threshold (tuned on the other folds, or argmax: the better kept) and the shipped seed;
    writes apnea-cv.json and apnea-cv.md; the test set is not read. A recipe with no trials in the sweep folder keeps
    its row from <out>/apnea-cv.json when that file was made from the same dataset
hypertiny apnea release --recipe apnea[,apnea-int8] [--sweep ...] [--out results/rhythm] [--models models]
    every seed's model trained on the whole learning set, with the threshold cv chose, run once on the 35 test
    recordings by the integer engine; writes apnea-release.json and .md, apnea.svg (per recording, the first recipe's
    shipped seed) and the shipped seed's <models>/<recipe>.htpw`;

const PUBLISHED = [
	"Chang et al. 2020 (1-D CNN, raw ECG): 87.9 % per minute (Se 81.1 %, Sp 92.0 %), 97.1 % per recording",
	"the HyperTinyPW paper's Apnea-ECG models: 80-85 % per minute",
	"RR- and raw-ECG CNNs on this test set: 84-88 % per minute (issue 15's survey)",
];

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1));
const ci = (i: [number, number] | null) => (i ? ` [${pct(i[0])}, ${pct(i[1])}]` : "");
const msPct = (m: MeanSd | null | undefined) => (m ? `${pct(m.mean)} ± ${pct(m.sd)}` : "–");

function figureCells(f: ApneaFigures, withCi: boolean): string {
	const r = f.recordings;
	return [
		`${pct(f.accuracy)}${withCi ? ci(f.intervals.accuracy) : ""}`, `${pct(f.sensitivity)}${withCi ? ci(f.intervals.sensitivity) : ""}`,
		`${pct(f.specificity)}${withCi ? ci(f.intervals.specificity) : ""}`, `${f.auc === null ? "–" : f.auc.toFixed(3)}${withCi && f.intervals.auc ? ` [${f.intervals.auc[0].toFixed(3)}, ${f.intervals.auc[1].toFixed(3)}]` : ""}`,
		`${r.A[0]}/${r.A[1]}`, `${r.C[0]}/${r.C[1]}`, `${r.B_called_apnea[0]}/${r.B_called_apnea[1]}`,
	].join(" | ");
}

function summaryCells(s: Record<string, MeanSd | null>): string {
	return [msPct(s["accuracy"]), msPct(s["sensitivity"]), msPct(s["specificity"]), s["auc"] ? `${s["auc"].mean.toFixed(3)} ± ${s["auc"].sd.toFixed(3)}` : "–", `${msPct(s["recordings_right"])} of A and C right`, "", ""].join(" | ");
}

const HEADER = "| | per-minute accuracy % | Se % | Sp % | AUC | A recordings called apnea | C recordings called normal | B called apnea |\n|---|---|---|---|---|---|---|---|";

function cvMarkdown(rs: ApneaRecipeCv[], command: string, carried: string[]): string {
	const lines = [
		"# Apnea-ECG: cross-validation over the learning set", "",
		`Made by \`${command}\` from the fold models of \`hypertiny sweep\`; the test set is not read. Folds hold whole subjects`,
		"(recordings with the same age, sex, height and weight are one subject), so no subject is both trained on and scored. Per",
		"minute by the trainer's engine-exact int8 outputs; apnea iff the minute's score ≥ t*, t* per fold tuned on the other four folds",
		"(`tuned`) or argmax, the better mean accuracy kept; the score is q_A − q_N averaged (floor of the mean) over the minute and the",
		`score minutes − 1 before it (modules/rhythm/apnea-score.ts), ${SCORE_MINUTES_TRIED.join(", ")} tried under the policy kept, the best mean accuracy kept. Per recording:`,
		`called apnea when ≥ ${RECORDING_RULE_PER_HOUR} predicted apnea minutes per hour.`,
		"Mean ± sd over seeds; the chosen seed's row with 95 % record-bootstrap intervals.", "",
		...(carried.length ? [`Kept from the previous apnea-cv.json of the same dataset (their trials were not in the sweep folder this time): ${carried.join(", ")}.`, ""] : []),
	];
	for (const r of rs) {
		lines.push(`## ${r.recipe} (${r.family}): ${r.about}`, "",
			`Threshold policy: ${r.policy} (mean accuracy: tuned ${msPct(r.policy_accuracy.tuned)}, argmax ${msPct(r.policy_accuracy.argmax)}). ` +
				(r.score_minutes_accuracy
					? `Score minutes: ${r.score_minutes} (mean accuracy: ${Object.entries(r.score_minutes_accuracy).map(([m, a]) => `${m} ${msPct(a)}`).join(", ")}).`
					: "Score minutes: 1 (scored before more were tried).") +
				(r.spread_term
					? ` With the spread term (a candidate decision, not in any model or the app yet: S + w F / 256 ≥ t*, F the RR spread against the night, modules/rhythm/apnea-spread.ts; w and t* per fold from the other folds): accuracy ${msPct(r.spread_term.accuracy)}, A and C recordings right ${msPct(r.spread_term.recordings_right)}; w per fold ${r.spread_term.weights.map((w) => w.join("/")).join(", ")} by seed.`
					: ""), "", HEADER,
			`| ${r.seeds.length} seeds | ${summaryCells(r.summary)} |`);
		for (const s of r.seeds) lines.push(`| seed ${s.seed}${s.seed === r.shipped_seed ? " (**shipped**)" : ""}, t* ${s.t_star} | ${figureCells(s.figures, s.seed === r.shipped_seed)} |`);
		lines.push("");
	}
	lines.push("Published (on the test set): " + PUBLISHED.join("; ") + ".", "");
	return lines.join("\n");
}

function releaseMarkdown(rs: ApneaRelease[], shared: string[], command: string): string {
	const lines = [
		"# Apnea-ECG test set: the released apnea models", "",
		`Made by \`${command}\`: every seed's model trained on all 35 learning recordings, packed with the threshold and score`,
		"minutes cross-validation chose for it (apnea-cv.md), run once by the integer engine (the C core) on the 35 test recordings (x01-x35,",
		"17,268 minutes, labels from the Challenge 2000 answers). Nothing was chosen from these figures. Per recording: called apnea when",
		`≥ ${RECORDING_RULE_PER_HOUR} predicted apnea minutes per hour; B (borderline) recordings are reported apart. Mean ± sd over seeds; the`,
		"shipped row with 95 % record-bootstrap intervals.", "",
		`The official split is not subject-independent: ${shared.length} of the 35 test recordings (${shared.join(", ")}) share a subject with a learning recording.`, "",
		HEADER,
	];
	for (const r of rs) {
		lines.push(`| **${r.recipe}**, ${r.seeds.length} seeds | ${summaryCells(r.summary)} |`);
		for (const s of r.seeds) lines.push(`| ${r.recipe} seed ${s.seed}${s.seed === r.shipped_seed ? " (**shipped**, models/" + r.model + ")" : ""}: ${s.bytes} B, t* ${s.t_star}${(s.score_minutes ?? 1) > 1 ? ` on ${s.score_minutes} minutes' mean` : ""} | ${figureCells(s.figures, s.seed === r.shipped_seed)} |`);
	}
	lines.push("", "Engine agreement (the C core's int8 outputs equal the trainer's engine-exact ones on the learning set): " +
		rs.flatMap((r) => r.seeds.map((s) => `${r.recipe} s${s.seed} ${s.engine_agreement.toFixed(4)}`)).join(", ") + ".", "");
	const shipped = rs[0]?.seeds.find((s) => s.seed === rs[0]!.shipped_seed);
	if (shipped) {
		lines.push(`Per recording, ${rs[0]!.recipe} (shipped): predicted / labelled apnea minutes per hour`, "", "| recording | class | predicted /h | labelled /h | called |", "|---|---|---:|---:|---|");
		for (const row of shipped.figures.recordings.rows) lines.push(`| ${row.name} | ${row.class} | ${row.predicted_per_hour.toFixed(1)} | ${row.labelled_per_hour.toFixed(1)} | ${row.called_apnea ? "apnea" : "normal"} |`);
		lines.push("");
	}
	lines.push("Published: " + PUBLISHED.join("; ") + ".", "");
	return lines.join("\n");
}

export async function apneaCommand(args: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args, allowPositionals: true,
		options: {
			out: { type: "string" }, recipe: { type: "string" }, sweep: { type: "string" }, data: { type: "string" }, models: { type: "string" },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(`usage: ${APNEA_USAGE}\n`);
		return 0;
	}
	const [sub] = positionals;
	const data = resolve(REPO_ROOT, values.data ?? DEFAULT_APNEA_DIR);
	if (sub === "dataset") {
		const out = resolve(REPO_ROOT, values.out ?? DEFAULT_APNEA_DIR);
		const index = await buildApneaDataset(out);
		const learning = index.records.filter((r) => r.set === "learning");
		process.stdout.write(`${out}: ${index.count} minutes (learning ${index.splits.train.count}, test ${index.splits.test.count}); ` +
			`${learning.reduce((a, r) => a + r.apnea_minutes, 0)} apnea minutes in the learning set; folds by subject: ` +
			index.fold_names.map((f) => f.join(" ")).join(" | ") + "\n");
		return 0;
	}
	if (sub !== "cv" && sub !== "release") throw new Error(`usage: ${APNEA_USAGE}`);
	if (!values.recipe) throw new Error(`--recipe is required\nusage: ${APNEA_USAGE}`);
	const ds = await apneaDataset(data);
	const sweep = resolve(REPO_ROOT, values.sweep ?? DEFAULT_SWEEP_DIR);
	const out = resolve(REPO_ROOT, values.out ?? "results/rhythm");
	mkdirSync(out, { recursive: true });
	const command = `hypertiny apnea ${sub} --recipe ${values.recipe}`;
	const names = values.recipe.split(",").filter(Boolean);
	if (sub === "cv") {
		const indexSha = datasetIndexSha(data);
		// Rows of the same minutes are kept, whether or not their dataset had the spread column yet.
		const earlier = earlierRows<ApneaRecipeCv>(join(out, "apnea-cv.json"), [indexSha, apneaIndexShaBeforeSpread(data)]);
		const results: ApneaRecipeCv[] = [];
		const carried: string[] = [];
		for (const name of names) {
			const r = apneaRecipeCv(name, sweep, ds);
			const kept = keptRow(earlier, sweep, name, r);
			if (kept) {
				const now = recipe(name);
				results.push({ ...kept, about: now.about, family: now.family });
				carried.push(name);
			} else if (typeof r === "string") throw new Error(r);
			else results.push(r);
		}
		if (carried.length === results.length) throw new Error(`no recipe of ${values.recipe} has trials in ${sweep}: nothing to score`);
		if (carried.length) process.stderr.write(`kept from ${join(out, "apnea-cv.json")} (no trials in ${sweep}): ${carried.join(", ")}\n`);
		writeFileSync(join(out, "apnea-cv.json"), JSON.stringify({ format: "hypertiny-apnea-cv", version: 1, command, dataset: { index_sha256: indexSha }, folds: ds.index.fold_names, recipes: results }, null, 1) + "\n");
		const md = cvMarkdown(results, command, carried);
		writeFileSync(join(out, "apnea-cv.md"), md);
		process.stdout.write(md);
		return 0;
	}
	const cvPath = join(out, "apnea-cv.json");
	if (!existsSync(cvPath)) throw new Error(`${cvPath} is missing: run \`npx hypertiny apnea cv --recipe ${values.recipe}\` first (it chooses the thresholds and the shipped seed)`);
	const cvs = (JSON.parse(readFileSync(cvPath, "utf8")) as { recipes: ApneaRecipeCv[] }).recipes;
	const releases: ApneaRelease[] = [];
	for (const name of names) {
		const cv = cvs.find((r) => r.recipe === name);
		if (!cv) throw new Error(`${cvPath} has no recipe ${name}: run \`npx hypertiny apnea cv --recipe ${values.recipe}\``);
		releases.push(releaseApnea({ cv, sweep, ds, workDir: join(REPO_ROOT, "results/tmp/apnea-release"), modelsDir: resolve(REPO_ROOT, values.models ?? "models"), log: (l) => process.stderr.write(l + "\n") }));
	}
	const shared = sharedSubjects(ds);
	writeFileSync(join(out, "apnea-release.json"), JSON.stringify({ format: "hypertiny-apnea-release", version: 1, command, shared_subject_test_recordings: shared, recipes: releases }, null, 1) + "\n");
	const md = releaseMarkdown(releases, shared, command);
	writeFileSync(join(out, "apnea-release.md"), md);
	const first = releases[0]!;
	const shipped = first.seeds.find((s) => s.seed === first.shipped_seed)!;
	writeFileSync(join(out, "apnea.svg"), apneaSvg(shipped.figures.recordings.rows, `Apnea-ECG test set: ${first.recipe} seed ${shipped.seed}, per recording`));
	process.stdout.write(md);
	return 0;
}
