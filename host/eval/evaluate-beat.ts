// `hypertiny eval` for beat models of the AAMI N/S/V/F task (aami4, issue 14): the packed model over DS1 (the
// shipped model's own training records: for reproducing its figures and float-vs-integer agreement) or DS2 (once
// per released model), by the integer engine, decided by META.decision_bias and the app's AF rule, scored as host/eval/cv.ts scores
// cross-validation: per-class Se/+P/F1 (AAMI EC57), false V per hour overall and per rhythm, the second lead,
// record-bootstrap intervals.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Dataset } from "../data/dataset-format.ts";
import { beatFigures, recordIntervals, windowInfoOf, type BeatFigures } from "./cv.ts";
import { beatOrderOf, decideWithRhythm, type OutputQuant } from "./af-context.ts";
import { AF_V_TEMPLATE_MATCH } from "../../modules/rhythm/beat-in-af.ts";
import { biasedClasses } from "./decision-bias.ts";
import { runWindows } from "./engine.ts";
import { datasetInputs, modelInfo } from "./evaluate.ts";

export const BEAT_TASK = "aami4";
export const BEAT_CLASSES = ["N", "S", "V", "F"];
export type BeatSplit = "ds1" | "test";

export interface BeatEvalRow {
	name: string;
	family: string;
	task: string;
	split: BeatSplit;
	flash_bytes: number;
	windows: number;
	records: number;
	decision_bias: number[];
	decision: string;
	lead1: BeatFigures;
	lead1_ci95: ReturnType<typeof recordIntervals>;
	lead2: BeatFigures;
	/** Windows whose class (before the AF rule, which the float sidecar does not apply) equals the float model's, or null without a usable sidecar. */
	agreement: number | null;
	agreement_windows: number;
	engine: string;
}

/** The decision as released before the app's AF rule (release-beat4.json and release-beat4-adaptive.json in results/mitbih read so). */
export const BIAS_RULE_PLAIN = "argmax of the int8 logits plus META.decision_bias (ties to the lower class index); biases chosen on DS1 cross-validation";
/** The decision with the app's first AF rule, S only (release-beat4-wide.json and release-beat4-wide-rbns.json). */
export const BIAS_RULE_S_IN_AF = `${BIAS_RULE_PLAIN}; while the app's AF detector reports AF, S is reported N (modules/rhythm/beat-in-af.ts)`;
/** The app's decision now. */
export const BIAS_RULE = `${BIAS_RULE_PLAIN}; while the app's AF detector reports AF, S is reported N, and V whose tpl_corr is at least ${AF_V_TEMPLATE_MATCH} (modules/rhythm/beat-in-af.ts)`;

/** Each decision a release was made with: no AF rule (null), or classDuringAf's V threshold (Infinity: S only). */
const AF_RULE_OF: ReadonlyMap<string, number | null> = new Map([[BIAS_RULE_PLAIN, null], [BIAS_RULE_S_IN_AF, Infinity], [BIAS_RULE, AF_V_TEMPLATE_MATCH]]);

/** The V threshold a release's `decision` applies in AF, null for none; throws on a decision this code does not know. */
export function afRuleOf(decision: string): number | null {
	const rule = AF_RULE_OF.get(decision);
	if (rule === undefined) throw new Error(`unknown decision rule: ${decision}`);
	return rule;
}

export function isBeatModel(path: string): boolean {
	try {
		return modelInfo(path, [BEAT_TASK]).task === (BEAT_TASK as never);
	} catch {
		return false;
	}
}

interface BeatSidecar {
	dataset: { index_sha256: string };
	validation_index: string;
	classes: { validation: string };
}

export async function evaluateBeatModel(o: {
	modelPath: string; split: BeatSplit; dataset: Dataset; dataDir: string; engine?: "native" | "ref"; threads?: number; cacheDir?: string;
	sidecar?: string; notice?: (line: string) => void;
	/** How to decide: as the app does (BIAS_RULE, the default) or as an earlier release did (BIAS_RULE_PLAIN, BIAS_RULE_S_IN_AF). */
	decision?: string;
}): Promise<BeatEvalRow> {
	const decision = o.decision ?? BIAS_RULE;
	const vMatch = afRuleOf(decision);
	const info = modelInfo(o.modelPath, [BEAT_TASK]);
	const ds = o.dataset;
	if (JSON.stringify(info.classes) !== JSON.stringify(BEAT_CLASSES)) throw new Error(`${o.modelPath}: an ${BEAT_TASK} model has classes ${BEAT_CLASSES.join(", ")}, not ${info.classes.join(", ")}`);
	const meta = info.model.meta as Record<string, unknown>;
	const bias = (meta["decision_bias"] as number[] | undefined) ?? [0, 0, 0, 0];
	const { first, count } = o.split === "ds1"
		? { first: 0, count: ds.index.splits.train.count + ds.index.splits.validation.count }
		: ds.index.splits.test;
	const run = (lead: 1 | 2): Int8Array =>
		runWindows(o.modelPath, info.model, datasetInputs(ds, info, first, count, lead, o.modelPath), { engine: o.engine ?? "native", threads: o.threads, cacheDir: o.cacheDir });
	const windowInfo = windowInfoOf(ds.index, ds.aami5, ds.rhythm, ds.record, first, count);
	const output = meta["output"] as OutputQuant | undefined;
	if (!output || !(output.scale > 0) || !Number.isInteger(output.zero_point)) throw new Error(`${o.modelPath}: META has no valid output quantization`);
	const order = beatOrderOf(ds.index, ds.features, ds.record, ds.sample, first, count);
	const outputs1 = run(1);
	const outputs2 = run(2);
	const decided = biasedClasses(outputs1, 4, bias);
	const decided2 = biasedClasses(outputs2, 4, bias);
	const predicted = vMatch !== null ? decideWithRhythm(order, outputs1, BEAT_CLASSES, decided, () => output, vMatch).classes : decided;
	const predicted2 = vMatch !== null ? decideWithRhythm(order, outputs2, BEAT_CLASSES, decided2, () => output, vMatch).classes : decided2;

	let agreement: number | null = null;
	let agreementWindows = 0;
	if (o.sidecar && existsSync(o.sidecar)) {
		const s = JSON.parse(readFileSync(o.sidecar, "utf8")) as BeatSidecar;
		const sha = createHash("sha256").update(readFileSync(`${o.dataDir}/index.json`)).digest("hex");
		if (s.dataset?.index_sha256 !== sha) o.notice?.(`${o.sidecar}: made on another dataset: agreement is null`);
		else if (s.validation_index) {
			const idx = new Uint32Array(new Uint8Array(Buffer.from(s.validation_index, "base64")).buffer);
			const cls = new Uint8Array(Buffer.from(s.classes.validation, "base64"));
			let same = 0;
			for (let i = 0; i < idx.length; i++) {
				const w = idx[i]! - first;
				if (w < 0 || w >= count) continue;
				agreementWindows++;
				if (cls[i] === decided[w]) same++;
			}
			agreement = agreementWindows ? same / agreementWindows : null;
		}
	}
	return {
		name: info.name, family: info.family, task: BEAT_TASK, split: o.split, flash_bytes: info.blob.length, windows: count,
		records: new Set(windowInfo.record).size, decision_bias: bias, decision,
		lead1: beatFigures(windowInfo, predicted, BEAT_CLASSES), lead1_ci95: recordIntervals(windowInfo, predicted),
		lead2: beatFigures(windowInfo, predicted2, BEAT_CLASSES),
		agreement, agreement_windows: agreementWindows, engine: o.engine ?? "native",
	};
}
