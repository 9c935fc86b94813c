// The score an apnea minute is decided by (docs/FORMAT.md §6, META.score_minutes): the floor of the mean of q_A − q_N
// over the last `minutes` assessed minutes of a recording, this one included (fewer at its start). Apnea comes in
// runs of minutes and one window's score is noisy; a mean over the minute and those before it is causal, so it
// costs no delay (learning-set CV chose how many minutes: results/rhythm/apnea-cv.md). One definition for the device
// app (modules/app/apnea-minutes.ts) and the host's evaluation (host/rhythm/apnea-eval.ts: decisionScores, which
// runs this window over a dataset's recordings), integers only.

/** The most minutes a model's decision may average (META.score_minutes is 1..this). */
export const APNEA_SCORE_MINUTES_MAX = 8;

/** The running window of recent minutes' scores (allocation-free after construction). */
export class ApneaScoreWindow {
	readonly minutes: number;
	readonly #scores = new Int32Array(APNEA_SCORE_MINUTES_MAX);
	#count = 0;
	#next = 0;
	#sum = 0;

	constructor(minutes: number) {
		if (!Number.isInteger(minutes) || minutes < 1 || minutes > APNEA_SCORE_MINUTES_MAX) throw new RangeError(`score minutes ${minutes} is not an integer in 1..${APNEA_SCORE_MINUTES_MAX}`);
		this.minutes = minutes;
	}

	/** An assessed minute's q_A − q_N; returns the score it is decided by. */
	push(score: number): number {
		if (this.#count === this.minutes) this.#sum -= this.#scores[this.#next]!;
		else this.#count++;
		this.#scores[this.#next] = score;
		this.#sum += score;
		this.#next = this.#next + 1 === this.minutes ? 0 : this.#next + 1;
		return Math.floor(this.#sum / this.#count);
	}

	/** A new recording: no earlier minute counts. */
	reset(): void {
		this.#count = 0;
		this.#next = 0;
		this.#sum = 0;
	}
}
