// Constants of the packed model format (docs/FORMAT.md). The single TypeScript source of truth for the layout.

export const MAGIC = 0x57505448; // "HTPW" read as a little-endian u32
/** Written today; readers also take VERSION_MAJOR_V1 (docs/FORMAT.md §9). */
export const VERSION_MAJOR = 2;
export const VERSION_MAJOR_V1 = 1;
export const VERSION_MINOR = 0;
export const HEADER_BYTES = 32;
export const SECTION_ENTRY_BYTES = 16;
export const MAX_SECTIONS = 16;
export const MAX_SECTION_ALIGN = 64;

export const SEC_META = 1;
export const SEC_PLAN = 2;
export const SEC_BACKBONE = 3;
export const SEC_KEPT_PW = 4;
export const SEC_GENERATOR = 5;
export const SEC_HEADS = 6;
export const SEC_CODES = 7;
export const SEC_QPARAMS = 8;
/** float32 tensor scales, version 2 only. */
export const SEC_SCALES = 9;
export const SEC_FIRST = SEC_META;
export const SEC_LAST = SEC_SCALES;
/** The last known type of a version 1 file. */
export const SEC_LAST_V1 = SEC_QPARAMS;
export const SECTION_NAMES: readonly string[] = ["", "META", "PLAN", "BACKBONE", "KEPT_PW", "GENERATOR", "HEADS", "CODES", "QPARAMS", "SCALES"];
export const QPARAMS_MIN_ALIGN = 4;

export const PLAN_HEADER_BYTES = 16;
export const TENSOR_RECORD_BYTES = 12;
export const OP_RECORD_BYTES = 48;
export const MAX_TENSORS = 1024;
export const MAX_OPS = 1024;
/** What a device can hold (docs/FORMAT.md §8; C: HT_MAX_ARENA_BYTES, HT_MAX_KERNEL_BYTES): 256 KiB, all the RAM of the nRF52840. */
export const MAX_ARENA_BYTES = 256 * 1024;
export const MAX_KERNEL_BYTES = 256 * 1024;

export const OP_CONV1D = 1;
export const OP_DWCONV1D = 2;
export const OP_PWCONV = 3;
export const OP_ADD = 4;
export const OP_AVGPOOL = 5;
export const OP_ATTNPOOL = 6;
export const OP_MAXPOOL = 7;
export const OP_FC = 8;
export const OP_FIRST = OP_CONV1D;
export const OP_LAST = OP_FC;
export const OP_NAMES: readonly string[] = ["", "CONV1D", "DWCONV1D", "PWCONV", "ADD", "AVGPOOL", "ATTNPOOL", "MAXPOOL", "FC"];

export const OP_FLAG_PER_TENSOR = 1;

export const NONE16 = 0xffff;
export const NONE32 = 0xffffffff;

/** int32 counts of each op's aux array (0: the op takes none). */
export const ADD_AUX_COUNT = 7;
export const AVGPOOL_AUX_COUNT = 2;
export const ATTNPOOL_AUX_COUNT = 4;
export const ADD_MAX_LEFT_SHIFT = 24;

export const GEN_HEADER_BYTES = 8;
export const MLP_RECORD_BYTES = 24;
export const GEN_RECORD_BYTES = 24;
export const FAMILY_HEAD = 1;
export const FAMILY_LOWRANK = 2;
export const FAMILY_NAMES: readonly string[] = ["", "HEAD", "LOWRANK"];
export const MAX_CODE_DIM = 64;
export const MAX_MLP_LAYERS = 8;
export const MAX_MLP_DIM = 256;

export const MULT_MIN = 0x40000000; // a non-zero Q0.31 multiplier is in [2^30, 2^31)
export const MULT_MAX = 0x7fffffff;
export const SHIFT_MIN = -31;
export const SHIFT_MAX = 30;

/** ATTNPOOL's weights 2^(-d/16) in Q8, d = 0..15. */
export const EXP2_Q8: readonly number[] = [256, 245, 235, 225, 215, 206, 197, 189, 181, 173, 166, 159, 152, 146, 140, 134];

/** Status codes, identical to C's ht_status. */
export const HT_OK = 0;
export const HT_E_TRUNCATED = 1;
export const HT_E_MAGIC = 2;
export const HT_E_VERSION = 3;
export const HT_E_SIZE = 4;
export const HT_E_CRC = 5;
export const HT_E_SECTION_BOUNDS = 6;
export const HT_E_SECTION_OVERLAP = 7;
export const HT_E_SECTION_ALIGN = 8;
export const HT_E_SECTION_MISSING = 9;
export const HT_E_SECTION_TYPE = 10;
export const HT_E_PLAN = 11;
export const HT_E_OPCODE = 12;
export const HT_E_TENSOR = 13;
export const HT_E_SHAPE = 14;
export const HT_E_PARAM_BOUNDS = 15;
export const HT_E_PARAM = 16;
export const HT_E_ARENA_OVERLAP = 17;
export const HT_E_GENERATOR = 18;
export const HT_E_SYNTH_RANGE = 19;
export const HT_E_ARGUMENT = 20;

export const STATUS_NAMES: readonly string[] = [
	"OK", "TRUNCATED", "MAGIC", "VERSION", "SIZE", "CRC", "SECTION_BOUNDS", "SECTION_OVERLAP", "SECTION_ALIGN",
	"SECTION_MISSING", "SECTION_TYPE", "PLAN", "OPCODE", "TENSOR", "SHAPE", "PARAM_BOUNDS", "PARAM",
	"ARENA_OVERLAP", "GENERATOR", "SYNTH_RANGE", "ARGUMENT",
];

export function statusName(code: number): string {
	return code >= 0 && code < STATUS_NAMES.length ? STATUS_NAMES[code] : "UNKNOWN";
}

/** Rounds up to a multiple of 4 (arithmetic, not bitwise: hostile records can exceed 2^31). */
export function align4(n: number): number {
	return n + ((4 - (n % 4)) % 4);
}

/** Bytes of a bit-packed stream of `count` values at `bits` (docs/FORMAT.md §4). */
export function packedBytes(count: number, bits: number): number {
	return Math.ceil((count * bits) / 8);
}

/** Bytes of the synthesized kernel of a generated layer: int8 w[cout][cin], pad to 4, int32 bias, mult, shift. */
export function kernelBytesFor(cout: number, cin: number): number {
	return align4(cout * cin) + 12 * cout;
}
