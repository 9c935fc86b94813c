// What a beat's class means while the AF detector (modules/rhythm/af-detector.ts) reports atrial fibrillation.
// In AF there is no atrial premature beat: the rhythm is irregular throughout, and that irregularity is what a beat
// classifier reads as prematurity, so its S calls there are false alarms (MIT-BIH's annotators label the beats of AF
// N, or V). While AF is reported, a beat called S is reported N. A beat called V is reported N too when its QRS
// matches the patient's dominant beat (tpl_corr, modules/ecg/beat-template.ts, at least AF_V_TEMPLATE_MATCH): on
// DS1, most false V calls in AF have such a QRS, a true V in AF almost never (README, "Beat classes"). F is kept.
// One definition for the device app (modules/app/monitor.ts) and the host's evaluation (host/eval/af-context.ts).

/** A V call in AF whose QRS correlates at least this much with the dominant beat is reported N (chosen on DS1 CV). */
export const AF_V_TEMPLATE_MATCH = 0.85;

/**
 * The class index to report for a beat the model called `cls` while AF is reported: S becomes N, V becomes N when
 * `templateMatch` (the beat's tpl_corr; NaN when the model has no beat context) reaches `vMatch` (the app's
 * AF_V_TEMPLATE_MATCH; Infinity gives the rule of the releases before it, S only).
 */
export function classDuringAf(classes: readonly string[], cls: number, templateMatch: number, vMatch = AF_V_TEMPLATE_MATCH): number {
	const name = classes[cls];
	if (name !== "S" && !(name === "V" && templateMatch >= vMatch)) return cls;
	const normal = classes.indexOf("N");
	return normal < 0 ? cls : normal;
}
