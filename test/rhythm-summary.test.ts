// `hypertiny start`'s end-of-run AF line (host/app/summary.ts): the device's AF events against the annotated "(AFIB";
// its apnea line: the device's minutes counted, with no comparison (MIT-BIH has no apnea labels).
import test from "ava";
import * as P from "../modules/ble/protocol.ts";
import { formatSummary, summarize, summarizeAf, summarizeApnea } from "../host/app/summary.ts";

const RATE = 100;
const rhythm = [
	{ start: 0, end: 6000, rhythm: "N" },
	{ start: 6000, end: 12000, rhythm: "AFIB" },
	{ start: 12000, end: 18000, rhythm: "N" },
	{ start: 18000, end: 24000, rhythm: "AFIB" },
];

test("device episodes, annotated AF and their overlap, an episode still open at the end running to it", (t) => {
	const events = [
		{ onset: true, sampleIndex: 6600 },
		{ onset: false, sampleIndex: 13200 },
		{ onset: true, sampleIndex: 19200 },
	];
	t.deepEqual(summarizeAf(events, rhythm, 24000, RATE), {
		deviceEpisodes: 2,
		deviceSeconds: 66 + 48,
		annotatedEpisodes: 2,
		annotatedSeconds: 120,
		overlapSeconds: 54 + 48,
	});
	t.deepEqual(summarizeAf([], rhythm, 24000, RATE)?.deviceEpisodes, 0);
	t.is(summarizeAf([], [], 24000, RATE), undefined, "no rhythm annotations and no AF: nothing to say");
	t.is(summarizeAf([{ onset: false, sampleIndex: 5 }], [], 24000, RATE), undefined, "an offset without an onset is no episode");
});

test("the summary prints the AF line only when there is something to compare", (t) => {
	const base = { record: "x", sampleRate: RATE, samples: 24000, wallSeconds: 1, reference: [], beats: [], classes: [], model: "none", stats: undefined };
	const with_ = formatSummary(summarize({ ...base, afEvents: [{ onset: true, sampleIndex: 6000 }], rhythm }));
	t.regex(with_, /^atrial fibrillation: device 1 episode, 3\.0 min; annotations 2, 2\.0 min; both 2\.0 min$/m);
	t.notRegex(formatSummary(summarize(base)), /atrial fibrillation/);
});

test("the apnea line counts the device's minutes (a minute sent twice once) and says there is nothing to score them against", (t) => {
	const minute = (index: number, classIndex: number) => ({ index, classIndex, score: 0, held: 0 });
	const minutes = [minute(0, P.APNEA_CLASS_NORMAL), minute(1, P.APNEA_CLASS_APNEA), minute(1, P.APNEA_CLASS_APNEA), minute(2, P.APNEA_CLASS_NOT_ASSESSED), minute(3, P.APNEA_CLASS_NORMAL)];
	t.like(summarizeApnea(P.MODEL_READY, minutes), { model: "ready", minutes: 4, apnea: 1, normal: 2, notAssessed: 1, apneaPerHour: 20 });
	t.is(summarizeApnea(undefined, []), undefined, "a device that said nothing of apnea");
	const base = { record: "x", sampleRate: RATE, samples: 24000, wallSeconds: 1, reference: [], beats: [], classes: [], model: "none", stats: undefined };
	t.regex(formatSummary(summarize({ ...base, apnea: { status: P.MODEL_READY, minutes } })), /^sleep apnea: 4 minutes, 1 called apnea \(20\.0 per hour of the 3 assessed\), 1 not assessed; labels to compare with: none: MIT-BIH records carry no apnea labels, so the minutes are not scored$/m);
	t.regex(formatSummary(summarize({ ...base, apnea: { status: P.MODEL_MISSING, minutes: [] } })), /^sleep apnea: no minutes \(apnea model missing\)$/m);
	t.regex(formatSummary(summarize({ ...base, apnea: { status: P.MODEL_READY, minutes: [] } })), /^sleep apnea: no minute complete \(the first needs 4:46 of ECG\)$/m);
	t.notRegex(formatSummary(summarize(base)), /apnea/);
});
