// The validated model: plain records plus views into the caller's blob (weights are never copied).

import { align4, FAMILY_LOWRANK, kernelBytesFor, NONE16 } from "./format.ts";

export interface SectionEntry {
	type: number;
	align: number;
	offset: number;
	length: number;
}

export interface Tensor {
	arenaOffset: number;
	length: number;
	channels: number;
	zeroPoint: number;
}

export interface Op {
	opcode: number;
	flags: number;
	in0: number;
	/** ADD only; 0xFFFF otherwise. */
	in1: number;
	out: number;
	k: number;
	stride: number;
	dilation: number;
	padLeft: number;
	padRight: number;
	/** Generated-layer index of a generated PWCONV, else 0xFFFF. */
	genLayer: number;
	actMin: number;
	actMax: number;
	weightsOff: number;
	weightsLen: number;
	biasOff: number;
	multOff: number;
	shiftOff: number;
	auxOff: number;
	/** Version 2: QPARAMS offset of the float32 filter scales (0 for ops without them); 0 in version 1. */
	scaleOff: number;
	/** Version 2: the filter scales (docs/FORMAT.md §2a); null otherwise. */
	filterScales: Float32Array | null;
	/** Views into BACKBONE / KEPT_PW / QPARAMS; null where the op has none (a generated PW has none of these). */
	weights: Int8Array | null;
	bias: Int32Array | null;
	mult: Int32Array | null;
	shift: Int32Array | null;
	aux: Int32Array | null;
}

export interface MlpLayer {
	inDim: number;
	outDim: number;
	bits: number;
	actMin: number;
	actMax: number;
	inZp: number;
	outZp: number;
	weightsOff: number;
	qpOff: number;
	/** Packed [outDim][inDim] at `bits`, a view into GENERATOR. */
	weights: Uint8Array;
	bias: Int32Array;
	mult: number;
	shift: number;
}

export interface GenLayer {
	cout: number;
	cin: number;
	headBits: number;
	codeBits: number;
	rank: number;
	codeOff: number;
	headOff: number;
	qpOff: number;
	/** The op that runs this layer. */
	op: number;
	/** Packed code (codeDim values at codeBits), a view into CODES. */
	code: Uint8Array;
	/** Packed H (HEAD) or U then V (LOWRANK) at headBits, a view into HEADS. */
	heads: Uint8Array;
	biasUnit: Int32Array;
	/** Version 1 synthesis (0 in version 2). */
	m0: number;
	s0: number;
	/** Version 2: the float32 unit_scale of docs/FORMAT.md §4, a row's filter scale over its max |a| (0 in version 1). */
	unitScale: number;
}

export interface Generator {
	family: number;
	codeDim: number;
	mlp: MlpLayer[];
	layers: GenLayer[];
	/** Width and zero point of the MLP output h. */
	hDim: number;
	hZeroPoint: number;
}

/** int32 a[max cin] + int32 hk[dh] + int8 h[2][max dim] + int8 unpacked run, each 4-aligned (the C layout). */
function synthScratchBytes(family: number, maxCin: number, hDim: number, maxDim: number, maxIn: number): number {
	let unpack = maxIn > hDim ? maxIn : hDim;
	if (family === FAMILY_LOWRANK && maxCin > unpack) unpack = maxCin;
	return 4 * maxCin + 4 * hDim + align4(2 * maxDim) + align4(unpack);
}

export class Model {
	/** The blob, exactly file_size bytes. */
	readonly bytes: Uint8Array;
	readonly versionMajor: number;
	readonly versionMinor: number;
	readonly crc: number;
	/** Section table entries, in table order. */
	readonly sections: SectionEntry[];
	readonly tensors: Tensor[];
	readonly ops: Op[];
	readonly arenaBytes: number;
	readonly inputTensor: number;
	readonly outputTensor: number;
	readonly generator: Generator | null;
	/** Version 2: the float32 scale of every tensor (SCALES); null for a version 1 model. */
	readonly tensorScales: number[] | null;
	/** Bytes of each generated layer's synthesized kernel. */
	readonly kernelBytes: number[];
	readonly maxKernelBytes: number;
	/** Scratch synthesis needs for any layer, as the C core computes it (ht_model.synth_scratch_bytes). */
	readonly synthScratchBytes: number;
	readonly metaText: string;
	/** META parsed as JSON; null when it is not a JSON object (the validator does not judge META). */
	readonly meta: any;

	constructor(fields: {
		bytes: Uint8Array; versionMajor: number; versionMinor: number; crc: number; sections: SectionEntry[];
		tensors: Tensor[]; ops: Op[]; arenaBytes: number; inputTensor: number; outputTensor: number;
		generator: Generator | null; metaText: string; meta: any; tensorScales?: number[] | null;
	}) {
		this.bytes = fields.bytes;
		this.versionMajor = fields.versionMajor;
		this.versionMinor = fields.versionMinor;
		this.crc = fields.crc;
		this.sections = fields.sections;
		this.tensors = fields.tensors;
		this.ops = fields.ops;
		this.arenaBytes = fields.arenaBytes;
		this.inputTensor = fields.inputTensor;
		this.outputTensor = fields.outputTensor;
		this.generator = fields.generator;
		this.tensorScales = fields.tensorScales ?? null;
		this.metaText = fields.metaText;
		this.meta = fields.meta;
		const kernelBytes: number[] = [];
		let maxKernel = 0;
		let maxDim = 0;
		let maxIn = 0;
		let maxCin = 0;
		const gen = fields.generator;
		if (gen) {
			maxDim = gen.codeDim;
			for (const l of gen.mlp) {
				if (l.outDim > maxDim) maxDim = l.outDim;
				if (l.inDim > maxIn) maxIn = l.inDim;
			}
			for (const g of gen.layers) {
				const k = kernelBytesFor(g.cout, g.cin);
				kernelBytes.push(k);
				if (k > maxKernel) maxKernel = k;
				if (g.cin > maxCin) maxCin = g.cin;
			}
		}
		this.kernelBytes = kernelBytes;
		this.maxKernelBytes = maxKernel;
		this.synthScratchBytes = gen ? synthScratchBytes(gen.family, maxCin, gen.hDim, maxDim, maxIn) : 0;
	}

	get fileSize(): number {
		return this.bytes.byteLength;
	}
	get tensorCount(): number {
		return this.tensors.length;
	}
	get opCount(): number {
		return this.ops.length;
	}
	get genCount(): number {
		return this.kernelBytes.length;
	}
	get input(): Tensor {
		return this.tensors[this.inputTensor];
	}
	get output(): Tensor {
		return this.tensors[this.outputTensor];
	}

	/** Generated-layer index of op i, or 0xFFFF when it is not a generated PW. */
	opGenLayer(op: number): number {
		const o = this.ops[op];
		return o ? o.genLayer : NONE16;
	}

	genKernelBytes(g: number): number {
		const k = this.kernelBytes[g];
		return k === undefined ? 0 : k;
	}

	/** The entry of section `type`, or undefined when the blob has none. */
	sectionEntry(type: number): SectionEntry | undefined {
		for (const s of this.sections) if (s.type === type) return s;
		return undefined;
	}

	/** A view of section `type`'s bytes, or null when absent. */
	section(type: number): Uint8Array | null {
		const s = this.sectionEntry(type);
		return s ? this.bytes.subarray(s.offset, s.offset + s.length) : null;
	}
}
