// A validated model as the runtime sees it, read from the C core (native/xs/ht_xs.c xs_ht_model_info) rather than
// parsed again in JavaScript: the C reader has checked every rule of docs/FORMAT.md, so the device keeps only the
// plan's numbers, the CRC and META's JSON. (The TypeScript reader, modules/model, serves the host's tools.)
import { parseMeta } from "../model/meta-json.ts";
import { decodeUtf8 } from "../model/utf8.ts";
import { nativeKernelBytes, nativeModelInfo, nativeOpGenLayer, type NativeBytes, type NativeModelHandle } from "./native.ts";
import type { PlanView, TensorView } from "./plan.ts";

export interface NativeModel extends PlanView {
	/** Generated layers (PW kernels synthesized at run time). */
	readonly genCount: number;
	/** The header's CRC-32. */
	readonly crc: number;
	/** META parsed as JSON; null when it is not a JSON object (the validator does not judge META). */
	readonly meta: any;
}

/** xs_ht_model_info's int32s: op count, generated layers, arena bytes, input and output tensors (4 each), CRC,
 * META's offset and bytes; the rest reserved. */
const INFO_WORDS = 16;
const INFO_CRC = 11;
const INFO_META = 12;

function tensor(info: Int32Array, at: number): TensorView {
	return { arenaOffset: info[at], length: info[at + 1], channels: info[at + 2], zeroPoint: info[at + 3] };
}

/** The model behind a handle of openNativeModel(blob). Made once per model; its numbers never change. */
export function describeNativeModel(handle: NativeModelHandle, blob: NativeBytes): NativeModel {
	const info = new Int32Array(INFO_WORDS);
	nativeModelInfo(handle, blob, info.buffer);
	const opCount = info[0];
	const genCount = info[1];
	const genLayers = new Uint16Array(opCount);
	for (let op = 0; op < opCount; op++) genLayers[op] = nativeOpGenLayer(handle, op);
	const kernelBytes: number[] = [];
	for (let g = 0; g < genCount; g++) kernelBytes.push(nativeKernelBytes(handle, g));
	const metaBytes = new Uint8Array(blob as ArrayBuffer, info[INFO_META], info[INFO_META + 1]);
	return {
		opCount,
		genCount,
		arenaBytes: info[2],
		input: tensor(info, 3),
		output: tensor(info, 7),
		crc: info[INFO_CRC] >>> 0,
		meta: parseMeta(decodeUtf8(metaBytes)),
		kernelBytes,
		opGenLayer: (op: number) => genLayers[op],
	};
}

/**
 * The status code in a message of the C reader, "htpw <STATUS> (<code>): ..." (its first "(digits)"), else -1.
 * Spelled out rather than a regular expression: one RegExp anywhere in the app keeps XS's whole RegExp engine in
 * the firmware (~30 kB of flash; test/manifest.test.ts).
 */
export function statusCode(text: string): number {
	for (let open = text.indexOf("("); open >= 0; open = text.indexOf("(", open + 1)) {
		let end = open + 1;
		while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
		if (end > open + 1 && text.charCodeAt(end) === 41) return Number(text.slice(open + 1, end));
	}
	return -1;
}
