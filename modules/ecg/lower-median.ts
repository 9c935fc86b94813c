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
