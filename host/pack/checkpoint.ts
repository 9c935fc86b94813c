// The float checkpoint written by host/train (host/train/README.md): types and a checked reader.

import { readFileSync } from "node:fs";

export const CHECKPOINT_FORMAT = "hypertiny-checkpoint";
export const CHECKPOINT_VERSION = 1;

export interface QuantJson {
	scale: number;
	zero_point: number;
}

export interface TensorJson extends QuantJson {
	length: number;
	channels: number;
}

interface OpBase {
	in: number[];
	out: number;
	relu: boolean;
}

/** CONV1D [Cout][K][Cin], DWCONV1D [K][C], PWCONV [Cout][Cin], FC [Cout][L*C]: the engine's layouts. */
export interface WeightedOpJson extends OpBase {
	op: "conv1d" | "dwconv1d" | "pwconv" | "fc";
	weight: number[];
	weight_shape: number[];
	/** Symmetric per-output-channel scale: int8 = round_half_away(w / scale), clamped to ±127. */
	weight_scale: number[];
	bias: number[] | null;
	k?: number;
	stride?: number;
	dilation?: number;
	pad_left?: number;
	pad_right?: number;
}

export interface GeneratedPwJson extends OpBase {
	op: "pwconv";
	gen_layer: number;
}

export interface AddJson extends OpBase {
	op: "add";
}

export interface AvgPoolJson extends OpBase {
	op: "avgpool";
}

export interface MaxPoolJson extends OpBase {
	op: "maxpool";
	k: number;
	stride: number;
	pad_left: number;
	pad_right: number;
}

export type OpJson = WeightedOpJson | GeneratedPwJson | AddJson | AvgPoolJson | MaxPoolJson;

export interface MlpJson {
	in_dim: number;
	out_dim: number;
	bits: number;
	/** [out_dim][in_dim], one symmetric scale at `bits`. */
	weight: number[];
	weight_scale: number;
	bias: number[];
	relu: boolean;
	out_scale: number;
	out_zero_point: number;
}

export interface GenLayerJson {
	cout: number;
	cin: number;
	head_bits: number;
	/** LOWRANK: U [cout][rank] and V [rank][cin], each with one symmetric scale. */
	u?: number[];
	u_scale?: number;
	v?: number[];
	v_scale?: number;
	/** HEAD: H [cout*cin][head_dim]. */
	h?: number[];
	h_scale?: number;
}

export interface GeneratorJson {
	family: "lowrank" | "head";
	code_dim: number;
	code_bits: number;
	/** One symmetric scale for every layer's code (zero point 0). */
	code_scale: number;
	codes: number[][];
	mlp: MlpJson[];
	layers: GenLayerJson[];
}

export interface Checkpoint {
	format: typeof CHECKPOINT_FORMAT;
	version: number;
	name: string;
	family: string;
	task: string;
	classes: string[];
	sample_rate: number;
	window: number;
	/** Names of input channels 1.. (docs/FORMAT.md §6); absent or empty: the window only. */
	features?: string[];
	input: QuantJson;
	output: QuantJson;
	/** Validation-tuned threshold on P(class 1) for two-class tasks; null for multi-class (argmax). */
	t_star: number | null;
	/** Multi-class models: integers added to the int8 logits before the argmax (META.decision_bias), set when packing. */
	decision_bias?: number[];
	input_tensor: number;
	output_tensor: number;
	tensors: TensorJson[];
	ops: OpJson[];
	generator: GeneratorJson | null;
	metrics: Record<string, unknown>;
	provenance: Record<string, unknown>;
}

export function isGeneratedPw(op: OpJson): op is GeneratedPwJson {
	return op.op === "pwconv" && "gen_layer" in op && typeof op.gen_layer === "number";
}

export function parseCheckpoint(text: string, source = "checkpoint"): Checkpoint {
	const c = JSON.parse(text) as Checkpoint;
	if (c?.format !== CHECKPOINT_FORMAT) throw new Error(`${source} is not a ${CHECKPOINT_FORMAT} file`);
	if (c.version !== CHECKPOINT_VERSION) throw new Error(`${source}: checkpoint version ${c.version}, this exporter reads ${CHECKPOINT_VERSION}`);
	if (!Array.isArray(c.tensors) || !Array.isArray(c.ops) || c.ops.length === 0) throw new Error(`${source}: no tensors or ops`);
	const n = c.tensors.length;
	const features = c.features ?? [];
	if (!Array.isArray(features) || features.some((f) => typeof f !== "string")) throw new Error(`${source}: features must be a list of names`);
	const input = c.tensors[c.input_tensor];
	if (input && input.channels !== 1 + features.length) throw new Error(`${source}: the input has ${input.channels} channels, the window and ${features.length} features make ${1 + features.length}`);
	c.ops.forEach((op, i) => {
		if (!op.in.every((t) => Number.isInteger(t) && t >= 0 && t < n) || !(op.out >= 0 && op.out < n)) throw new Error(`${source}: op ${i} names a tensor outside 0..${n - 1}`);
		if (isGeneratedPw(op) && !(c.generator && op.gen_layer < c.generator.layers.length)) throw new Error(`${source}: op ${i} uses generated layer ${op.gen_layer}, which the generator lacks`);
	});
	return c;
}

export function readCheckpoint(path: string): Checkpoint {
	return parseCheckpoint(readFileSync(path, "utf8"), path);
}
