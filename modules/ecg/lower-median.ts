// The lower median of a window of RR intervals (or their differences) without sorting it for each median: the
// window's values kept sorted as they come and go, an insertion or one replacement per value, for the AF
// detector (the RR context keeps its windows the same way in C, native/src/ht_ecg_rr.c); the median is
// sorted[(count - 1) >> 1].

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
