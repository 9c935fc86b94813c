// What a beat's class means while the AF detector (modules/rhythm/af-detector.ts) reports atrial fibrillation.
// In AF there is no atrial premature beat: the rhythm is irregular throughout, and that irregularity is what a beat
// classifier reads as prematurity, so its S calls there are false alarms (MIT-BIH's annotators label the beats of AF
// N, or V). While AF is reported, a beat called S is reported N; V and F are kept. Untuned: nothing here is fitted
// to data. One definition for the device app (modules/app/monitor.ts) and the host's evaluation (host/eval/af-context.ts).

/** The class index to report for a beat the model called `cls` while AF is reported: S becomes N, the rest stay. */
export function classDuringAf(classes: readonly string[], cls: number): number {
	if (classes[cls] !== "S") return cls;
	const normal = classes.indexOf("N");
	return normal < 0 ? cls : normal;
}
