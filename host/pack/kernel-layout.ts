// The synthesized kernel (docs/FORMAT.md §4): int8 w[cout][cin], zero pad to 4, int32 bias, mult, shift.

import { align4, kernelBytesFor } from "../../modules/model/format.ts";

export interface KernelView {
	weights: Int8Array;
	bias: Int32Array;
	mult: Int32Array;
	shift: Int32Array;
}

function int32s(kernel: Uint8Array, at: number, count: number): Int32Array {
	const dv = new DataView(kernel.buffer, kernel.byteOffset, kernel.byteLength);
	const out = new Int32Array(count);
	for (let i = 0; i < count; i++) out[i] = dv.getInt32(at + 4 * i, true);
	return out;
}

export function kernelView(kernel: Uint8Array, cout: number, cin: number): KernelView {
	if (kernel.byteLength !== kernelBytesFor(cout, cin)) throw new RangeError(`kernel is ${kernel.byteLength} bytes, ${cout}x${cin} needs ${kernelBytesFor(cout, cin)}`);
	const w = align4(cout * cin);
	return {
		weights: new Int8Array(kernel.buffer, kernel.byteOffset, cout * cin),
		bias: int32s(kernel, w, cout),
		mult: int32s(kernel, w + 4 * cout, cout),
		shift: int32s(kernel, w + 8 * cout, cout),
	};
}
