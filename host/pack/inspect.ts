// Byte accounting read from the packed file itself (docs/FORMAT.md §1 "inspect").

import { readModel } from "../../modules/model/reader.ts";
import {
	FAMILY_NAMES, HEADER_BYTES, SEC_BACKBONE, SEC_CODES, SEC_GENERATOR, SEC_HEADS, SEC_KEPT_PW, SEC_META,
	SEC_PLAN, SEC_QPARAMS, SEC_SCALES, SECTION_ENTRY_BYTES, SECTION_NAMES, VERSION_MAJOR_V1,
} from "../../modules/model/format.ts";

export const ROLES = ["header", "plan", "metadata", "backbone", "kept_pw", "generator", "heads", "codes", "quant_params", "padding"] as const;
export type Role = (typeof ROLES)[number];

const SECTION_ROLES: Record<number, Role> = {
	[SEC_META]: "metadata", [SEC_PLAN]: "plan", [SEC_BACKBONE]: "backbone", [SEC_KEPT_PW]: "kept_pw",
	[SEC_GENERATOR]: "generator", [SEC_HEADS]: "heads", [SEC_CODES]: "codes", [SEC_QPARAMS]: "quant_params",
	[SEC_SCALES]: "quant_params",
};

export interface InspectReport {
	file_size: number;
	version: string;
	crc: string;
	name: string | null;
	sections: { type: number; name: string; role: Role; offset: number; length: number; align: number }[];
	roles: Record<Role, number>;
	generator: null | {
		family: string;
		code_dim: number;
		mlp: { in_dim: number; out_dim: number; bits: number }[];
		layers: { op: number; cout: number; cin: number; head_bits: number; code_bits: number; rank: number; int8_bytes: number }[];
	};
	/** GENERATOR + HEADS + CODES + the QPARAMS entries of the MLP and of the generated layers. */
	generator_total_bytes: number;
	/** What the generated layers would cost stored as plain INT8 PWs: cout*cin + 12*cout each (+ 4*cout float32 filter scales in version 2). */
	generated_pw_int8_bytes: number;
	all_pw_int8_bytes: number;
	/** all_pw_int8_bytes / file_size. */
	compression_ratio: number;
}

/** A PW stored as INT8: weights, int32 bias/multiplier/shift, and in version 2 its float32 filter scales. */
function storedPwBytes(cout: number, cin: number, v1: boolean): number {
	return cout * cin + (v1 ? 12 : 16) * cout;
}

export function inspectBlob(blob: Uint8Array): InspectReport {
	const model = readModel(blob);
	const fileSize = model.fileSize;
	const roles = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
	roles.header = HEADER_BYTES + SECTION_ENTRY_BYTES * model.sections.length;
	const sections = model.sections.map((s) => {
		const role = SECTION_ROLES[s.type];
		roles[role] += s.length;
		return { type: s.type, name: SECTION_NAMES[s.type], role, offset: s.offset, length: s.length, align: s.align };
	});
	const used = ROLES.reduce((sum, r) => sum + roles[r], 0);
	roles.padding = fileSize - used;
	const total = ROLES.reduce((sum, r) => sum + roles[r], 0);
	if (roles.padding < 0 || total !== fileSize) throw new Error(`inspect: roles sum to ${total}, the file is ${fileSize} bytes`);

	const gen = model.generator;
	const v1 = model.versionMajor === VERSION_MAJOR_V1;
	let generatorTotal = 0;
	let generatedInt8 = 0;
	if (gen) {
		generatorTotal = roles.generator + roles.heads + roles.codes;
		for (const l of gen.mlp) generatorTotal += 4 * (l.outDim + 2);
		for (const g of gen.layers) {
			generatorTotal += 4 * (g.cout + (v1 ? 2 : 0));
			generatedInt8 += storedPwBytes(g.cout, g.cin, v1);
		}
	}
	const allPw = fileSize - generatorTotal + generatedInt8;
	return {
		file_size: fileSize,
		version: `${model.versionMajor}.${model.versionMinor}`,
		crc: "0x" + model.crc.toString(16).padStart(8, "0"),
		name: typeof model.meta?.name === "string" ? model.meta.name : null,
		sections,
		roles,
		generator: gen && {
			family: FAMILY_NAMES[gen.family],
			code_dim: gen.codeDim,
			mlp: gen.mlp.map((l) => ({ in_dim: l.inDim, out_dim: l.outDim, bits: l.bits })),
			layers: gen.layers.map((g) => ({
				op: g.op, cout: g.cout, cin: g.cin, head_bits: g.headBits, code_bits: g.codeBits, rank: g.rank, int8_bytes: storedPwBytes(g.cout, g.cin, v1),
			})),
		},
		generator_total_bytes: generatorTotal,
		generated_pw_int8_bytes: generatedInt8,
		all_pw_int8_bytes: allPw,
		compression_ratio: allPw / fileSize,
	};
}

/** Column i is left-aligned to widths[i] when positive, right-aligned to -widths[i] when negative. */
function row(cells: (string | number)[], widths: number[]): string {
	return cells.map((c, i) => (widths[i] < 0 ? String(c).padStart(-widths[i]) : String(c).padEnd(widths[i]))).join("  ").trimEnd();
}

export function formatInspect(r: InspectReport, file = ""): string {
	const lines: string[] = [];
	lines.push(`${file}${file ? ": " : ""}${r.name ?? "(unnamed)"}, htpw ${r.version}, ${r.file_size} bytes, crc ${r.crc}`);
	lines.push("");
	const w = [10, 13, -8, -8, -5];
	lines.push(row(["section", "role", "offset", "bytes", "align"], w));
	for (const s of r.sections) lines.push(row([s.name, s.role, s.offset, s.length, s.align], w));
	lines.push("");
	const rw = [13, -8, -6];
	lines.push(row(["role", "bytes", "%"], rw));
	for (const role of ROLES) lines.push(row([role, r.roles[role], ((100 * r.roles[role]) / r.file_size).toFixed(1)], rw));
	lines.push(row(["total", r.file_size, "100.0"], rw));
	if (r.generator) {
		const g = r.generator;
		lines.push("");
		lines.push(`generator: ${g.family}, code_dim ${g.code_dim}, MLP ${[g.mlp[0].in_dim, ...g.mlp.map((l) => l.out_dim)].join("->")} at ${g.mlp.map((l) => l.bits).join("/")} bits`);
		for (const [i, l] of g.layers.entries()) {
			lines.push(`  layer ${i} (op ${l.op}): ${l.cout}x${l.cin}, heads ${l.head_bits}-bit, code ${l.code_bits}-bit${l.rank ? `, rank ${l.rank}` : ""}; as INT8 ${l.int8_bytes} bytes`);
		}
		lines.push(`generator + heads + codes + their quant params: ${r.generator_total_bytes} bytes, replacing ${r.generated_pw_int8_bytes} bytes of INT8 PW`);
	}
	lines.push("");
	lines.push(`all_pw_int8_bytes: ${r.all_pw_int8_bytes} (every PW stored as INT8)`);
	lines.push(`compression ratio: ${r.compression_ratio.toFixed(3)}x`);
	return lines.join("\n") + "\n";
}
