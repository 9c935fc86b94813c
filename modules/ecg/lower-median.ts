// The lower median of a few integers (RR intervals, their differences) without allocating: an insertion sort into
// the caller's scratch array. Shared by the RR context, its irregularity and the AF detector.

/** Lower median of values[0..count) (0 when count is 0); scratch must hold count values. */
export function lowerMedian(values: Int32Array, count: number, scratch: Int32Array): number {
	if (count === 0) return 0;
	for (let i = 0; i < count; i++) {
		const v = values[i];
		let j = i;
		while (j > 0 && scratch[j - 1] > v) {
			scratch[j] = scratch[j - 1];
			j--;
		}
		scratch[j] = v;
	}
	return scratch[(count - 1) >> 1];
}

// A window's values kept sorted as they come and go (an insertion or one replacement per value, instead of sorting
// the window again for each median): the same lower median as lowerMedian() over the window.

/** Inserts v into sorted[0..count) (count values, sorted ascending; room for one more). */
export function sortedInsert(sorted: Int32Array, count: number, value: number): void {
	const v = value | 0; // what the Int32Array holds of it
	let j = count;
	while (j > 0 && sorted[j - 1] > v) {
		sorted[j] = sorted[j - 1];
		j--;
	}
	sorted[j] = v;
}

/** Replaces one `old` (which sorted[0..count) holds) by v, keeping sorted[0..count) ascending. */
export function sortedReplace(sorted: Int32Array, count: number, old: number, value: number): void {
	const v = value | 0;
	let i = 0;
	while (sorted[i] !== old) i++;
	if (v > old) {
		while (i + 1 < count && sorted[i + 1] < v) {
			sorted[i] = sorted[i + 1];
			i++;
		}
	} else {
		while (i > 0 && sorted[i - 1] > v) {
			sorted[i] = sorted[i - 1];
			i--;
		}
	}
	sorted[i] = v;
}
