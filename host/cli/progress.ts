// Progress of long work on a terminal: one line on stderr, redrawn in place, with the count done, what is being
// done and an ETA. Silent when stderr is not a terminal or the command prints JSON, so logs and pipes stay clean.

export interface ProgressOptions {
	/** Draw at all (false under --json); drawing also needs stderr to be a terminal. */
	enabled?: boolean;
	stream?: NodeJS.WriteStream;
	now?: () => number;
	/** Show the time elapsed (redrawn each second); false for work that blocks the event loop, where it would freeze. */
	elapsed?: boolean;
}

export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const mmss = `${String(m).padStart(h ? 2 : 1, "0")}:${String(s % 60).padStart(2, "0")}`;
	return h ? `${h}:${mmss}` : mmss;
}

/** "label 12/48 (25%), detail, 0:31 elapsed, ETA 1:33": the ETA from the average time per item so far. */
export function progressLine(label: string, done: number, total: number | undefined, elapsedSeconds: number | undefined, detail = ""): string {
	const parts = [total ? `${label} ${done}/${total} (${Math.floor((100 * done) / total)}%)` : label];
	if (detail) parts.push(detail);
	if (elapsedSeconds === undefined) return parts.join(", ") + " ...";
	parts.push(`${formatDuration(elapsedSeconds)} elapsed`);
	if (total && done > 0 && done < total) parts.push(`ETA ${formatDuration((elapsedSeconds / done) * (total - done))}`);
	return parts.join(", ");
}

export class Progress {
	readonly #stream: NodeJS.WriteStream;
	readonly #now: () => number;
	readonly #started: number;
	readonly #active: boolean;
	readonly #elapsed: boolean;
	#label: string;
	#total: number | undefined;
	#done = 0;
	#detail = "";
	#drawn = 0;
	#timer: NodeJS.Timeout | undefined;

	constructor(label: string, total?: number, options: ProgressOptions = {}) {
		this.#stream = options.stream ?? process.stderr;
		this.#now = options.now ?? Date.now;
		this.#started = this.#now();
		this.#label = label;
		this.#total = total;
		this.#active = (options.enabled ?? true) && this.#stream.isTTY === true;
		this.#elapsed = options.elapsed ?? true;
		if (this.#active) {
			if (this.#elapsed) {
				// Redraw each second so the elapsed time moves while one long item runs.
				this.#timer = setInterval(() => this.#draw(), 1000);
				this.#timer.unref();
			}
			this.#draw();
		}
	}

	get active(): boolean {
		return this.#active;
	}

	update(done: number, detail = "", total = this.#total): void {
		this.#done = done;
		this.#detail = detail;
		this.#total = total;
		if (this.#active && this.#now() - this.#drawn >= 100) this.#draw();
	}

	/** Print a line above the progress line (which is redrawn under it). */
	log(line: string): void {
		if (this.#active) this.#stream.write("\r\x1b[K");
		this.#stream.write(line + "\n");
		if (this.#active) this.#draw();
	}

	/** Remove the line; call once the work ended, however it ended. */
	end(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = undefined;
		if (this.#active) this.#stream.write("\r\x1b[K");
	}

	#draw(): void {
		this.#drawn = this.#now();
		const line = progressLine(this.#label, this.#done, this.#total, this.#elapsed ? (this.#drawn - this.#started) / 1000 : undefined, this.#detail);
		const width = this.#stream.columns || 100;
		this.#stream.write(`\r\x1b[K${line.length >= width ? line.slice(0, width - 1) : line}`);
	}
}
