// Sleep apnea per minute from the app's own R-peaks: the apnea model (META.consumes "rr-sequence") opened like the
// beat model (packed-model.ts), its input for minute m assembled by modules/rhythm/apnea-input.ts's definition (in C:
// one native call assembles and quantizes it into the interpreter's input) from the beats the ECG pipeline
// delivers, run, and decided in integers: apnea iff the minute's decision score (q_A − q_N, averaged over the model's
// META.score_minutes assessed minutes: modules/rhythm/apnea-score.ts) ≥ META.t_star_score (the rule `hypertiny eval`
// and `hypertiny apnea release` apply), else P(A) ≥ t_star. Nothing is allocated after start.
import { apneaMinuteNative } from "../ecg/native.ts";
import { ApneaScoreWindow } from "../rhythm/apnea-score.ts";
import { APNEA_STEP_S, APNEA_WINDOW, apneaLastInstantS, apneaWindowStartS, firstAtOrAfter } from "../rhythm/apnea-input.ts";
import type { Interpreter } from "../runtime/interpreter.ts";
import type { QuantParams } from "../runtime/quantize.ts";
import { openModel } from "./packed-model.ts";
import { APNEA_CLASS_APNEA, APNEA_CLASS_NORMAL, APNEA_CLASS_NOT_ASSESSED, MODEL_INCOMPATIBLE, MODEL_MISSING, MODEL_READY } from "../ble/protocol.ts";

/**
 * Beat times kept (6 KiB): every beat from the one before a minute's window (512 s) to the newest, at up to 160 bpm
 * on average. More beats than that (a noisy stretch) drop the oldest, and a minute that needed them is assessed on fewer.
 */
export const APNEA_BEAT_CAPACITY = 1536;
/**
 * Seconds past a minute's last instant after which it is assessed even without a later beat (a stretch of bad
 * signal). The pipeline delivers a beat within maxRrMs (≤ 5 s) and the window's tail (0.4 s at 256 samples) of its R
 * peak, so a beat still undelivered then lies more than 2 s after the last instant: its interval would be held anyway,
 * and the minute comes out as if it had waited for it.
 */
export const APNEA_GRACE_S = 10;

export interface ApneaMinutesOptions {
	resource: string;
	policy: string;
	budget: number | undefined;
	/** The ECG input's rate: beat times are sample indices at this rate. */
	sampleRate: number;
	/** The beat model, whose arena the apnea model shares when large enough: a minute is assessed between beats,
	 * never during one. */
	arenaOf?: Interpreter;
}

/** Minute m's result (reused for every minute: copy what you keep). */
export interface ApneaMinute {
	minute: number;
	/** APNEA_CLASS_NORMAL, APNEA_CLASS_APNEA, or APNEA_CLASS_NOT_ASSESSED (not one measured RR interval in its window). */
	classIndex: number;
	/** The score it was decided by: q_A − q_N of the model's int8 output, averaged over the model's score_minutes
	 * assessed minutes (0 when not assessed). */
	score: number;
	/** Samples of the window whose RR interval was held rather than measured (0..APNEA_WINDOW). */
	held: number;
}

export class ApneaMinutes {
	status = MODEL_MISSING;
	errorCode = 0;
	message = "";
	/** The model's name, or its resource's. */
	name = "";
	/** The next minute to assess; minutes 0..next − 1 are done. */
	next = 0;
	/** Minutes assessed as apnea, normal, or not at all, since start. */
	apneaCount = 0;
	normalCount = 0;
	notAssessedCount = 0;
	/** Beats dropped from the ring because it was full. */
	beatsDropped = 0;
	readonly result: ApneaMinute = { minute: 0, classIndex: APNEA_CLASS_NOT_ASSESSED, score: 0, held: 0 };
	#interpreter: Interpreter | undefined;
	#input: QuantParams = { scale: 1, zero_point: 0 };
	#tStarScore = 1;
	/** Made when a model opens (its META.score_minutes). */
	#scoreWindow: ApneaScoreWindow | undefined;
	/** Minute `next`'s last instant in samples (floored); Infinity while there is no model. */
	#lastSample = Infinity;
	/**
	 * The sample count past which minute `next` is due without a later beat (its grace over): the app compares its
	 * count with this once per ADC block, as due() would answer false below it unless a beat came (checked per beat).
	 */
	dueAfter = Infinity;
	#sampleRate: number;
	#beats = new Uint32Array(0);
	#count = 0;
	#window = new Float32Array(0);

	constructor(o: ApneaMinutesOptions) {
		this.#sampleRate = o.sampleRate;
		this.name = o.resource;
		if (!o.resource) {
			this.message = "off: the config names no apneaModel";
			return;
		}
		const opened = openModel({ resource: o.resource, policy: o.policy, budget: o.budget, sampleRate: 1 / APNEA_STEP_S, consumes: "rr-sequence", arenaOf: o.arenaOf });
		this.status = opened.status;
		this.errorCode = opened.errorCode;
		this.message = opened.message;
		const meta = opened.meta;
		if (!opened.interpreter || !meta) return;
		const unfit = meta.classes.length !== 2
			? `the apnea model has ${meta.classes.length} classes, not 2 (normal, apnea)`
			: opened.interpreter.model.input.length !== APNEA_WINDOW
				? `the apnea model takes ${opened.interpreter.model.input.length} samples, not ${APNEA_WINDOW}`
				: "";
		if (unfit) {
			this.status = MODEL_INCOMPATIBLE;
			this.message = unfit;
			return;
		}
		this.name = meta.name ?? o.resource;
		this.#input = meta.input;
		// The integer form of the two-class rule; a META with only t_star gets its integer equivalent (FORMAT §6).
		this.#tStarScore = meta.tStarScore ?? scoreThreshold(meta.tStar, meta.output.scale);
		this.#scoreWindow = new ApneaScoreWindow(meta.scoreMinutes);
		this.#interpreter = opened.interpreter;
		this.#beats = new Uint32Array(APNEA_BEAT_CAPACITY);
		this.#window = new Float32Array(APNEA_WINDOW);
		this.#schedule();
		this.message = `${this.name}: ${meta.classes.join("/")} per minute, ${opened.policy}, ${opened.interpreter.cache.synthesized} kernels synthesized`;
	}

	get ready(): boolean {
		return this.status === MODEL_READY;
	}

	/** A beat the pipeline delivered, R peak at `sampleIndex` (in increasing order). */
	beat(sampleIndex: number): void {
		if (!this.#interpreter) return;
		const beats = this.#beats;
		if (this.#count === beats.length) {
			const drop = beats.length >> 2;
			beats.copyWithin(0, drop, this.#count);
			this.#count -= drop;
			this.beatsDropped += drop;
		}
		beats[this.#count++] = sampleIndex;
	}

	/**
	 * Whether minute `next` can be assessed with the input at `samples`: a beat after its window's last instant has
	 * come (the input is then complete), or none came within APNEA_GRACE_S of it, or the input `ended` past it.
	 */
	due(samples: number, ended: boolean): boolean {
		if (this.#count > 0 && this.#beats[this.#count - 1] > this.#lastSample) return true;
		return samples > (ended ? this.#lastSample : this.dueAfter);
	}

	/** Sample indices are integers: n > x exactly when n > floor(x), so due() compares integers only. */
	#schedule(): void {
		const last = apneaLastInstantS(this.next) * this.#sampleRate;
		this.#lastSample = Math.floor(last);
		this.dueAfter = Math.floor(last + APNEA_GRACE_S * this.#sampleRate);
	}

	/** Assesses minute `next` from the beats so far into `result`, then forgets the beats no later minute needs. */
	assessNext(): ApneaMinute {
		const interpreter = this.#interpreter!;
		const scoreWindow = this.#scoreWindow!;
		const r = this.result;
		const rate = this.#sampleRate;
		r.minute = this.next;
		// The window (float32 seconds) and its int8 quantization into the model's input, in C (native/src/ht_ecg_apnea.c).
		const input = interpreter.input;
		const q = this.#input;
		r.held = apneaMinuteNative(this.#beats.buffer, 0, this.#count, rate, r.minute, this.#window.buffer, 0, input.buffer, input.byteOffset, q.scale, q.zero_point);
		if (r.held === APNEA_WINDOW) {
			r.classIndex = APNEA_CLASS_NOT_ASSESSED;
			r.score = 0;
			this.notAssessedCount++;
		} else {
			interpreter.invoke();
			const out = interpreter.output;
			r.score = scoreWindow.push(out[1] - out[0]);
			r.classIndex = r.score >= this.#tStarScore ? APNEA_CLASS_APNEA : APNEA_CLASS_NORMAL;
			if (r.classIndex === APNEA_CLASS_APNEA) this.apneaCount++;
			else this.normalCount++;
		}
		this.next++;
		this.#schedule();
		// The next window starts later: keep its first interval's opening beat and everything after.
		const keep = firstAtOrAfter(this.#beats, this.#count, apneaWindowStartS(this.next) * rate) - 1;
		if (keep > 0) {
			this.#beats.copyWithin(0, keep, this.#count);
			this.#count -= keep;
		}
		return r;
	}
}

/**
 * The integer threshold on q_A − q_N equivalent to P(A) ≥ tStar (host/eval/threshold.ts probabilityThreshold's
 * inverse): the smallest integer s with sigmoid(s · scale) ≥ tStar.
 */
export function scoreThreshold(tStar: number, outputScale: number): number {
	if (!(tStar > 0)) return -255;
	if (!(tStar < 1)) return 256;
	const s = Math.ceil(Math.log(tStar / (1 - tStar)) / outputScale);
	return s < -255 ? -255 : s > 256 ? 256 : s;
}
