// Thin TypeScript faces of the C natives in native/xs/ht_xs.c. Each wrapper body is only
// `return native("name").call(this, <the parameters, in order>)`, the pattern xsc compiles to the host function
// itself (docs: "XS in C", Native API, Optimization; any other form builds a JS function around the call and
// xsc warns "cannot optimize native"). `this: void` only tells TypeScript these are plain functions.

export type NativeBytes = ArrayBuffer | HostBuffer;
export type NativeModelHandle = object;

/** Zeroed, aligned native memory (activation arena, kernel cache, scratch) outside the JS heap. */
export function allocNative(this: void, bytes: number): HostBuffer {
	return native("xs_ht_buffer").call(this, bytes);
}

/** Validates a blob in C (every check of docs/FORMAT.md); throws "htpw <STATUS> (<code>): ...". */
export function openNativeModel(this: void, blob: NativeBytes): NativeModelHandle {
	return native("xs_ht_model_open").call(this, blob);
}

/** What the runtime needs of a validated model, as int32s into out (16 of them; modules/runtime/native-model.ts). */
export function nativeModelInfo(this: void, model: NativeModelHandle, blob: NativeBytes, out: ArrayBuffer): void {
	native("xs_ht_model_info").call(this, model, blob, out);
}

/** Op `op`'s generated layer, or 0xFFFF when it is not a generated PW. */
export function nativeOpGenLayer(this: void, model: NativeModelHandle, op: number): number {
	return native("xs_ht_model_op_gen_layer").call(this, model, op);
}

/** Bytes of generated layer g's synthesized kernel. */
export function nativeKernelBytes(this: void, model: NativeModelHandle, g: number): number {
	return native("xs_ht_model_kernel_bytes").call(this, model, g);
}

export function nativeScratchBytes(this: void, model: NativeModelHandle): number {
	return native("xs_ht_model_scratch_bytes").call(this, model);
}

export function runOps(this: void, model: NativeModelHandle, blob: NativeBytes, firstOp: number, endOp: number, arena: HostBuffer): void {
	native("xs_ht_run_ops").call(this, model, blob, firstOp, endOp, arena);
}

export function runGeneratedOp(this: void, model: NativeModelHandle, blob: NativeBytes, op: number, arena: HostBuffer, kernels: HostBuffer, kernelOffset: number): void {
	native("xs_ht_run_op").call(this, model, blob, op, arena, kernels, kernelOffset);
}

/** Every op of the model in order; generated layer g's kernel at the uint32 offsets[g] (native byte order) in kernels. */
export function runModel(this: void, model: NativeModelHandle, blob: NativeBytes, arena: HostBuffer, kernels: HostBuffer, offsets: ArrayBuffer): void {
	native("xs_ht_run_model").call(this, model, blob, arena, kernels, offsets);
}

export function synthesize(this: void, model: NativeModelHandle, blob: NativeBytes, layer: number, kernels: HostBuffer, kernelOffset: number, scratch: HostBuffer): void {
	native("xs_ht_synthesize").call(this, model, blob, layer, kernels, kernelOffset, scratch);
}
