import { mitdbTest as test } from "./mitdb-data.ts";
import { resolveConfig } from "../modules/ecg/config.ts";
import { EcgPipeline } from "../modules/ecg/pipeline.ts";
import { windowsAt } from "../modules/ecg/record.ts";
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { loadRecord } from "../host/data/records.ts";
import { deliveredBeats } from "../host/bench/ecg-detection.ts";
import { MITDB_CONFIG, loadMitdbBeats, scoreDetections } from "./ecg-mitdb.ts";

// Channel 0 (MLII) of records 100 and 119; beats scored against the .atr beat annotations within 150 ms.
const RECORDS: Array<[string, number]> = [
	["100", 0.995],
	["119", 0.995],
];
const TOLERANCE = Math.round(0.15 * MITDB_CONFIG.sampleRate);


for (const [record, minimum] of RECORDS) {
	test(`MIT-BIH ${record}: delivered beats have Se and PPV > ${minimum * 100} %, windows equal windowsAt()`, async (t) => {
		const { samples, beats: reference } = await loadMitdbBeats(record);
		t.is(samples.length, 650000);

		const positions: number[] = [];
		const windows: Int32Array[] = [];
		const reasons: string[] = [];
		const pipeline = new EcgPipeline(
			MITDB_CONFIG,
			(b) => {
				positions.push(b.sampleIndex);
				windows.push(b.window.slice());
			},
			(e) => reasons.push(e.reason),
		);
		pipeline.pushBlock(samples);
		pipeline.flush();

		const score = scoreDetections(reference, positions, TOLERANCE);
		const offsets = score.offsets.slice().sort((a, b) => a - b);
		t.log(
			`record ${record}: ${reference.length} annotated beats, ${positions.length} delivered (${pipeline.beatsDetected} detected): ` +
				`TP ${score.truePositives}, FN ${score.falseNegatives}, FP ${score.falsePositives}, ` +
				`Se ${(100 * score.sensitivity).toFixed(2)} %, PPV ${(100 * score.positivePredictivity).toFixed(2)} %, ` +
				`R offset median ${offsets[offsets.length >> 1]} samples (5th..95th percentile ${offsets[Math.floor(0.05 * offsets.length)]}..${offsets[Math.floor(0.95 * offsets.length)]})`,
		);
		t.true(score.sensitivity > minimum);
		t.true(score.positivePredictivity > minimum);
		t.deepEqual(reasons, ["ok"]);

		const s = resolveConfig(MITDB_CONFIG);
		const training = windowsAt(samples, positions, MITDB_CONFIG);
		let identical = 0;
		for (let k = 0; k < positions.length; k++) {
			const expected = training.windows.subarray(k * s.windowLength, (k + 1) * s.windowLength);
			if (training.valid[k] === 1 && windows[k].every((v, i) => v === expected[i])) identical++;
		}
		t.is(identical, positions.length, "every streamed window equals the training window at the same sample");
	});
}

test("MIT-BIH 207: ventricular flutter waves are mostly not taken for beats, the beats around them are found", async (t) => {
	const { signals, annotations } = await loadRecord(await mitdbPath(), "207");
	const { beats: reference } = await loadMitdbBeats("207");
	const episodes: Array<[number, number]> = [];
	let onset = -1;
	for (const a of annotations) {
		if (a.symbol === "[") onset = a.sample;
		if (a.symbol === "]" && onset >= 0) episodes.push([onset, a.sample]);
	}
	const flutterWaves = annotations.filter((a) => a.symbol === "!").length;
	const detected = deliveredBeats(signals[0]);
	const inFlutter = detected.filter((d) => episodes.some(([from, to]) => d >= from && d <= to)).length;
	const score = scoreDetections(reference, detected, TOLERANCE);
	t.log(`207: ${episodes.length} flutter episodes, ${flutterWaves} flutter waves, ${inFlutter} beats delivered in them; Se ${(100 * score.sensitivity).toFixed(2)} %, PPV ${(100 * score.positivePredictivity).toFixed(2)} %`);
	t.is(episodes.length, 6);
	t.true(inFlutter < flutterWaves / 2);
	t.true(score.sensitivity > 0.995);
	t.true(score.positivePredictivity > 0.9);
});
