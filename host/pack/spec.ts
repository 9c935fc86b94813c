// A model description for the writer: shapes, ops with their integer parameters, an optional generator.

export interface TensorSpec {
	length: number;
	channels: number;
	zeroPoint: number;
	/** Placed by the liveness allocator when absent. */
	arenaOffset?: number;
}

export type Ints = ArrayLike<number>;

export interface OpSpec {
	opcode: number;
	in0: number;
	/** ADD's second input. */
	in1?: number;
	out: number;
	k?: number;
	stride?: number;
	dilation?: number;
	padLeft?: number;
	padRight?: number;
	/** Default -128 / 127. */
	actMin?: number;
	actMax?: number;
	/** int8 weights in the op's layout (docs/FORMAT.md §3). */
	weights?: Int8Array;
	bias?: Ints;
	/** One entry sets PER_TENSOR. */
	mult?: Ints;
	shift?: Ints;
	aux?: Ints;
	/** Version 2: float32 filter scales of a CONV1D/DWCONV1D/stored PWCONV/FC, as many as mult (docs/FORMAT.md §2a). */
	filterScales?: Ints;
	/** Index into generator.layers for a generated PWCONV. */
	genLayer?: number;
}

export interface MlpLayerSpec {
	inDim: number;
	outDim: number;
	bits: number;
	actMin: number;
	actMax: number;
	inZp: number;
	outZp: number;
	/** [outDim][inDim] values that fit `bits`. */
	weights: Ints;
	bias: Ints;
	mult: number;
	shift: number;
}

export interface GenLayerSpec {
	cout: number;
	cin: number;
	headBits: number;
	codeBits: number;
	/** codeDim values at codeBits. */
	code: Ints;
	/** HEAD: H [cout*cin][hDim]; LOWRANK: U [cout][rank] followed by V [rank][cin]; values fit headBits. */
	heads: Ints;
	biasUnit: Ints;
	/** Version 1 synthesis. */
	m0?: number;
	s0?: number;
	/** Version 2 synthesis: the float32 unit_scale (docs/FORMAT.md §4). */
	unitScale?: number;
}

export interface GeneratorSpec {
	family: number;
	codeDim: number;
	mlp: MlpLayerSpec[];
	layers: GenLayerSpec[];
}

export interface ModelSpec {
	meta: Record<string, unknown>;
	tensors: TensorSpec[];
	ops: OpSpec[];
	inputTensor: number;
	outputTensor: number;
	/** Derived from the tensor placement when absent. */
	arenaBytes?: number;
	generator?: GeneratorSpec;
	/** float32 scale of every tensor: present, the model is written as version 2 (docs/FORMAT.md §2a, §9). */
	tensorScales?: number[];
}
