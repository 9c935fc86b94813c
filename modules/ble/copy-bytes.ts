// The face of xs_ht_copy_bytes in native/xs/ht_xs.c (the pattern of modules/runtime/native.ts: the body only calls the native).

/**
 * Copies the first `length` bytes of `source` to the start of `destination` in C. Throws "htpw ARGUMENT (20): ..."
 * when `length` is not a whole number within both. Allocates nothing.
 */
export function copyBytes(this: void, destination: ArrayBuffer | Uint8Array, source: ArrayBuffer | Uint8Array, length: number): void {
	native("xs_ht_copy_bytes").call(this, destination, source, length);
}
