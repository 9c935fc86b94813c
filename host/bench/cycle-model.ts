// Estimated Cortex-M4 cycles from an exact per-instruction profile (QEMU counts instructions, not cycles): every
// executed instruction is classified by its disassembly and weighed with the Cortex-M4 Technical Reference Manual's
// timings (ARM DDI 0439B, §3.3.1 "Cortex-M4 instructions" Table 3-1 and its footnotes, §3.3.2 "Load/store timings";
// the FPU's Table 7-1 in §7.2.3). Where the cost depends on the instruction before it (load pipelining, the address
// generation stall, IT folding) the model uses the instruction before it in the code and counts only the
// executions that came from there; taken conditional branches are inferred from the profile's flow (below).
// host/bench/cycle-model.md says where every figure comes from and what the model leaves out. An estimate, not a
// measurement: the check on silicon is the DWT cycle counter (same doc).
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";

/** What the TRM leaves as a range or a choice, and the flash behind the core. */
export interface CycleAssumptions {
	name: string;
	/** Pipeline refill P (TRM: 1 to 3 "depending on the alignment and width of the target instruction, and whether
	 * the processor manages to speculate the address early"). "model": 1 for a direct branch, +1 when its target is
	 * a 32-bit instruction not word-aligned, 2 for a target from a register or memory; a number: that, always. */
	refill: "model" | number;
	/** Flash wait states paid at every refill (a fetch that is not sequential missing the instruction cache). */
	flashWaitPerRefill: number;
	/** A load or store right after a single load, not addressed through its result, takes one cycle less. */
	loadPipelining: boolean;
	/** IT after a 16-bit instruction folds onto it: zero cycles. */
	itFolding: boolean;
	/** SDIV / UDIV: 2 to 12 cycles by early termination on the operands. */
	divide: number;
	/** LDR Rt, [PC, #imm] "might add a cycle because of contention with the fetch unit". */
	literalLoadExtra: number;
}

export const NOMINAL: CycleAssumptions = { name: "nominal", refill: "model", flashWaitPerRefill: 0, loadPipelining: true, itFolding: true, divide: 7, literalLoadExtra: 0 };
/** Every refill the slowest (P = 3) and missing the flash cache (2 wait states assumed), nothing paired or folded,
 * divides at their worst: a stress case for code whose loops do not stay in the cache, not a proven bound. */
export const PESSIMISTIC: CycleAssumptions = { name: "pessimistic", refill: 3, flashWaitPerRefill: 2, loadPipelining: false, itFolding: false, divide: 12, literalLoadExtra: 1 };

export type InsnClass =
	| "alu" // data processing, shifts, extends, bit fields, saturation, DSP SIMD, every multiply (TRM: 1)
	| "divide"
	| "load" // LDR, LDRB, LDRH, LDRSB, LDRSH, LDREX (TRM: 2, 1 pipelined)
	| "store" // STR, STRB, STRH (TRM §3.3.2: immediate offset 1; register offset 2, 1 pipelined); STREX 2
	| "load_store_double" // LDRD, STRD: 3, never pipelined
	| "load_store_multiple" // LDM, STM, PUSH, POP: 1 + N (+ P with PC)
	| "branch" // B, B<cc>, CBZ, CBNZ: 1 not taken, 1 + P taken
	| "call_return" // BL, BLX, BX, writes to PC, LDR PC (5), TBB/TBH (6)
	| "it"
	| "fpu"
	| "system"; // barriers, MRS/MSR, CPS, hints, BKPT/SVC

export interface Insn {
	addr: number;
	size: 2 | 4;
	/** As printed, e.g. "ldr.w", "sxtblt", "beq.n". */
	text: string;
	/** Without width, condition (in an IT block or of a branch) and the FPU's data type: "ldr", "sxtb", "b". */
	op: string;
	/** Conditional: in an IT block, or B<cc> / CBZ / CBNZ. */
	conditional: boolean;
	operands: string;
	/** A direct branch's target. */
	target?: number;
}

const CONDS = new Set(["eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al"]);
const REG: Record<string, number> = { sb: 9, sl: 10, fp: 11, ip: 12, sp: 13, lr: 14, pc: 15 };

function regNumber(name: string): number | undefined {
	if (/^r\d{1,2}$/.test(name)) return Number(name.slice(1));
	return REG[name];
}

function regsIn(text: string): number[] {
	const out: number[] = [];
	for (const m of text.matchAll(/\b(r\d{1,2}|sb|sl|fp|ip|sp|lr|pc)\b/g)) out.push(regNumber(m[1]!)!);
	return out;
}

/** Registers in a "{...}" list; FPU lists count words (a D register is two). */
function listCount(operands: string): number {
	const m = /\{([^}]*)\}/.exec(operands);
	if (!m) return 1;
	let n = 0;
	for (const part of m[1]!.split(",")) {
		const p = part.trim();
		const range = /^([rsd])(\d+)-[rsd](\d+)$/.exec(p);
		const words = p.startsWith("d") ? 2 : 1;
		n += range ? (Number(range[3]) - Number(range[2]) + 1) * words : p ? words : 0;
	}
	return n;
}

/** One line of `arm-none-eabi-objdump -d` ("    47a0:\tf8d0 a000 \tldr.w\tsl, [r0]"), or undefined for others. */
export function parseObjdumpLine(line: string): Omit<Insn, "op" | "conditional"> | undefined {
	const m = /^\s*([0-9a-f]+):\t([0-9a-f]{4})( [0-9a-f]{4})?\s*\t(\S+)\s*(.*)$/.exec(line);
	if (!m || m[4]!.startsWith(".")) return undefined;
	const operands = m[5]!.split("\t@")[0]!.split("; ")[0]!.trim();
	const insn: Omit<Insn, "op" | "conditional"> = { addr: parseInt(m[1]!, 16), size: m[3] ? 4 : 2, text: m[4]!, operands };
	const target = /(?:^|, )([0-9a-f]+) <[^>]+>$/.exec(operands);
	if (target && /^(b|bl|cbn?z)/.test(m[4]!)) insn.target = parseInt(target[1]!, 16);
	return insn;
}

/** Instructions by address, IT blocks resolved (the instructions an IT covers carry its condition in their text). */
export function parseDisassembly(text: string): Map<number, Insn> {
	const out = new Map<number, Insn>();
	let itLeft = 0;
	for (const line of text.split("\n")) {
		const raw = parseObjdumpLine(line);
		if (!raw) {
			if (/^[0-9a-f]+ <.*>:$/.test(line)) itLeft = 0; // a new function
			continue;
		}
		const inIt = itLeft > 0;
		if (inIt) itLeft--;
		let op = raw.text.toLowerCase();
		op = op.startsWith("v") ? op.split(".")[0]! : op.replace(/\.[wn]$/, "");
		let conditional = inIt;
		if (inIt && op.length > 2 && CONDS.has(op.slice(-2))) op = op.slice(0, -2);
		else if (!inIt && op.length === 3 && op[0] === "b" && CONDS.has(op.slice(1))) {
			op = "b";
			conditional = true;
		}
		if (op === "cbz" || op === "cbnz") conditional = true;
		if (/^it[te]{0,3}$/.test(op)) {
			itLeft = op.length - 1;
			op = "it";
		}
		out.set(raw.addr, { ...raw, op, conditional });
	}
	return out;
}

const disassemblies = new Map<string, { mtime: number; insns: Map<number, Insn> }>();

/** The ELF's code, disassembled once per file version. */
export function disassemble(elf: string): Map<number, Insn> {
	const mtime = statSync(elf).mtimeMs;
	const cached = disassemblies.get(elf);
	if (cached && cached.mtime === mtime) return cached.insns;
	const r = spawnSync(process.env.ARM_OBJDUMP ?? "arm-none-eabi-objdump", ["-d", elf], { encoding: "utf8", maxBuffer: 1 << 30 });
	if (r.status !== 0) throw new Error(`arm-none-eabi-objdump -d ${elf} failed: ${r.stderr}`);
	const insns = parseDisassembly(r.stdout);
	disassemblies.set(elf, { mtime, insns });
	return insns;
}

const SINGLE_LOADS = new Set(["ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrt", "ldrbt", "ldrht", "ldrsbt", "ldrsht", "ldrex", "ldrexb", "ldrexh"]);
const SINGLE_STORES = new Set(["str", "strb", "strh", "strt", "strbt", "strht"]);
const EXCLUSIVE_STORES = new Set(["strex", "strexb", "strexh"]);
const NO_DEST = new Set(["cmp", "cmn", "tst", "teq", "nop", "it", "bkpt", "svc", "sev", "wfi", "wfe", "dsb", "dmb", "isb", "cpsid", "cpsie", "msr"]);
const LONG_MULTIPLY = /^(smull|umull|smlal|umlal|umaal|smlald|smlaldx|smlsld|smlsldx|smlalbb|smlalbt|smlaltb|smlaltt)s?$/;
const FPU_3 = new Set(["vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms"]);

interface Decoded {
	cls: InsnClass;
	/** Cycles of one execution before the neighbour rules and without P (added per refill). */
	base: number;
	/** Pipeline refills of one (taken) execution: 0 or 1. */
	refills: number;
	/** The refill's target is a register or memory (not speculated early). */
	indirect: boolean;
	/** Registers the address is formed from (loads and stores). */
	addressRegs: number[];
	/** Registers written by a data-processing instruction (for the address generation stall). */
	aluDest: number[];
	/** Registers a single load writes (for pipelining). */
	loadDest: number[];
	singleLoad: boolean;
	/** A register-offset single store: pipelines after a load like a load does. */
	pipelinableStore: boolean;
	memory: boolean;
	/** Control never falls through to the next instruction (unconditional transfer, calls included). */
	noFallThrough: boolean;
	literal: boolean;
	/** LDR PC (5) and TBB/TBH (6): the TRM's figure already holds the refill. */
	refillInBase: boolean;
}

const decodedCache = new WeakMap<Insn, Decoded>();

export function decode(insn: Insn): Decoded {
	const hit = decodedCache.get(insn);
	if (hit) return hit;
	const d = decodeUncached(insn);
	decodedCache.set(insn, d);
	return d;
}

function decodeUncached(insn: Insn): Decoded {
	const { op, operands } = insn;
	const first = operands.split(",")[0]!.trim();
	const bracket = /\[([^\]]*)\]/.exec(operands)?.[1] ?? "";
	const d: Decoded = { cls: "alu", base: 1, refills: 0, indirect: false, addressRegs: [], aluDest: [], loadDest: [], singleLoad: false, pipelinableStore: false, memory: false, noFallThrough: false, literal: false, refillInBase: false };
	const writesPc = first === "pc";
	if (op === "b" || op === "cbz" || op === "cbnz") {
		return { ...d, cls: "branch", refills: 1, noFallThrough: !insn.conditional };
	}
	if (op === "bl") return { ...d, cls: "call_return", refills: 1, noFallThrough: true };
	if (op === "bx" || op === "blx") return { ...d, cls: "call_return", refills: 1, indirect: true, noFallThrough: !insn.conditional || op === "blx" };
	if (op === "tbb" || op === "tbh") return { ...d, cls: "call_return", base: 6, indirect: true, refillInBase: true, noFallThrough: true, memory: true, addressRegs: regsIn(bracket) };
	if (SINGLE_LOADS.has(op)) {
		const addressRegs = regsIn(bracket);
		if (writesPc) return { ...d, cls: "call_return", base: 5, indirect: true, refillInBase: true, noFallThrough: !insn.conditional, memory: true, addressRegs };
		return { ...d, cls: "load", base: 2, memory: true, addressRegs, singleLoad: true, loadDest: regsIn(first), literal: addressRegs[0] === 15 };
	}
	if (SINGLE_STORES.has(op)) {
		const addressRegs = regsIn(bracket);
		const registerOffset = addressRegs.length > 1;
		return { ...d, cls: "store", base: registerOffset ? 2 : 1, memory: true, addressRegs, pipelinableStore: registerOffset };
	}
	if (EXCLUSIVE_STORES.has(op)) return { ...d, cls: "store", base: 2, memory: true, addressRegs: regsIn(bracket) };
	if (op === "ldrd" || op === "strd") return { ...d, cls: "load_store_double", base: 3, memory: true, addressRegs: regsIn(bracket) };
	if (/^(ldm|stm)(ia|db|fd|ea)?$/.test(op) || op === "push" || op === "pop") {
		const n = listCount(operands);
		const withPc = (op.startsWith("ldm") || op === "pop") && /\bpc\b/.test(operands.slice(operands.indexOf("{")));
		const base = op === "push" || op === "pop" ? 13 : regNumber(first.replace("!", ""));
		return { ...d, cls: withPc ? "call_return" : "load_store_multiple", base: 1 + n, refills: withPc ? 1 : 0, indirect: withPc, noFallThrough: withPc && !insn.conditional, memory: true, addressRegs: base === undefined ? [] : [base] };
	}
	if (op === "sdiv" || op === "udiv") return { ...d, cls: "divide", base: NaN, aluDest: regsIn(first) };
	if (op === "it") return { ...d, cls: "it" };
	if (op === "isb") return { ...d, cls: "system", refills: 1 };
	if (op === "mrs" || op === "msr" || op === "cpsid" || op === "cpsie") return { ...d, cls: "system", base: 2, aluDest: op === "mrs" ? regsIn(first) : [] };
	if (["dsb", "dmb", "nop", "bkpt", "svc", "sev", "wfi", "wfe", "yield"].includes(op)) return { ...d, cls: "system" };
	if (op.startsWith("v")) {
		if (op === "vldr" || op === "vstr") return { ...d, cls: "fpu", base: 2, memory: true, addressRegs: regsIn(bracket) };
		if (/^v(ldm|stm)(ia|db)?$/.test(op) || op === "vpush" || op === "vpop") return { ...d, cls: "fpu", base: 1 + listCount(operands), memory: true, addressRegs: op === "vpush" || op === "vpop" ? [13] : regsIn(first) };
		if (FPU_3.has(op)) return { ...d, cls: "fpu", base: 3 };
		if (op === "vdiv" || op === "vsqrt") return { ...d, cls: "fpu", base: 14 };
		if (op === "vmov") return { ...d, cls: "fpu", base: regsIn(operands).length >= 2 ? 2 : 1, aluDest: regsIn(first) };
		if (op === "vmrs") return { ...d, cls: "fpu", aluDest: regsIn(first) };
		return { ...d, cls: "fpu" };
	}
	// Data processing: MOV/ADD to PC branch; everything else 1 cycle.
	if (writesPc && !NO_DEST.has(op)) return { ...d, cls: "call_return", refills: 1, indirect: true, noFallThrough: !insn.conditional };
	const regs = regsIn(operands);
	const aluDest = NO_DEST.has(op) ? [] : LONG_MULTIPLY.test(op) ? regs.slice(0, 2) : regs.slice(0, 1);
	return { ...d, aluDest };
}

export interface ClassFigure {
	instructions: number;
	cycles: number;
}

export interface CycleEstimate {
	assumptions: string;
	instructions: number;
	cycles: number;
	by_class: Partial<Record<InsnClass | "unknown", ClassFigure>>;
	/** Conditional branches: executions and those inferred taken. */
	conditional_branches: { executed: number; taken: number };
}

/** The instruction before `addr` in the code, if one ends exactly there. */
function previous(insns: Map<number, Insn>, addr: number): Insn | undefined {
	const two = insns.get(addr - 2);
	if (two && two.size === 2) return two;
	const four = insns.get(addr - 4);
	return four && four.size === 4 ? four : undefined;
}

/**
 * Taken executions of each conditional branch (or conditional transfer in an IT block), from the flow: the
 * instruction after it runs once for each time the branch fell through, plus once for each direct branch to it
 * that was taken. When other conditional branches also jump there, their own estimates are used (a few passes).
 * Indirect jumps to that instruction are not seen; the result is clamped to [0, executions].
 */
export function takenCounts(insns: Map<number, Insn>, profile: Map<number, number>): Map<number, number> {
	const jumpsTo = new Map<number, Insn[]>();
	const conditional: Insn[] = [];
	for (const [addr] of profile) {
		const i = insns.get(addr);
		if (!i) continue;
		const d = decode(i);
		if (i.target !== undefined && (d.cls === "branch" || i.op === "bl")) {
			const list = jumpsTo.get(i.target) ?? [];
			list.push(i);
			jumpsTo.set(i.target, list);
		}
		if (i.conditional && (d.refills > 0 || d.indirect)) conditional.push(i);
	}
	const taken = new Map<number, number>();
	for (const b of conditional) taken.set(b.addr, Math.floor((profile.get(b.addr) ?? 0) / 2));
	for (let pass = 0; pass < 4; pass++) {
		for (const b of conditional) {
			const n = profile.get(b.addr) ?? 0;
			const next = b.addr + b.size;
			let others = 0;
			for (const j of jumpsTo.get(next) ?? []) {
				if (j === b || j.op === "bl") continue;
				others += j.conditional ? (taken.get(j.addr) ?? 0) : (profile.get(j.addr) ?? 0);
			}
			const fellThrough = (profile.get(next) ?? 0) - others;
			taken.set(b.addr, Math.min(n, Math.max(0, n - fellThrough)));
		}
	}
	return taken;
}

function refillCycles(insns: Map<number, Insn>, i: Insn, d: Decoded, a: CycleAssumptions): number {
	let p: number;
	if (typeof a.refill === "number") p = a.refill;
	else if (d.indirect) p = 2;
	else {
		const t = i.target === undefined ? undefined : insns.get(i.target);
		p = 1 + (t && t.size === 4 && t.addr % 4 === 2 ? 1 : 0);
	}
	return p + a.flashWaitPerRefill;
}

/** Cycles of a profile ("address -> executions") over the ELF's disassembly, under the assumptions given. */
export function estimateCycles(insns: Map<number, Insn>, profile: Map<number, number>, a: CycleAssumptions = NOMINAL): CycleEstimate {
	const taken = takenCounts(insns, profile);
	const byClass: CycleEstimate["by_class"] = {};
	const add = (cls: InsnClass | "unknown", n: number, cycles: number) => {
		const f = (byClass[cls] ??= { instructions: 0, cycles: 0 });
		f.instructions += n;
		f.cycles += cycles;
	};
	let instructions = 0;
	let cycles = 0;
	let condExecuted = 0;
	let condTaken = 0;
	for (const [addr, n] of profile) {
		if (n <= 0) continue;
		instructions += n;
		const i = insns.get(addr);
		if (!i) {
			add("unknown", n, n);
			cycles += n;
			continue;
		}
		const d = decode(i);
		let c = (d.cls === "divide" ? a.divide : d.base) * n;
		if (d.literal) c += a.literalLoadExtra * n;
		// Refills: every execution of an unconditional transfer, the taken ones of a conditional one.
		if (d.refills || d.indirect) {
			const refills = i.conditional ? (taken.get(addr) ?? 0) : n;
			if (i.conditional) {
				condExecuted += n;
				condTaken += refills;
			}
			// LDR PC and TBB/TBH carry their refill (3) in their base; with a flash wait on top.
			c += d.refillInBase ? refills * a.flashWaitPerRefill : refills * refillCycles(insns, i, d, a);
		}
		// Neighbour rules, for the executions that came from the instruction before.
		const prev = previous(insns, addr);
		if (prev) {
			const pd = decode(prev);
			const pn = profile.get(prev.addr) ?? 0;
			const sequential = pd.noFallThrough ? 0 : prev.conditional && (pd.refills || pd.indirect) ? pn - (taken.get(prev.addr) ?? 0) : pn;
			const pairs = Math.max(0, Math.min(n, sequential));
			if (pairs) {
				if (a.loadPipelining && pd.singleLoad && (d.singleLoad || d.pipelinableStore) && !pd.loadDest.some((r) => d.addressRegs.includes(r))) c -= pairs;
				if (d.memory && pd.aluDest.some((r) => d.addressRegs.includes(r))) c += pairs;
				if (a.itFolding && d.cls === "it" && prev.size === 2 && !pd.refills && !pd.indirect) c -= pairs;
			}
		}
		cycles += c;
		add(d.cls, n, c);
	}
	return { assumptions: a.name, instructions, cycles, by_class: byClass, conditional_branches: { executed: condExecuted, taken: condTaken } };
}

/** Subtracts one profile from another (a later cumulative profile minus an earlier one); negatives dropped. */
export function profileDifference(later: Map<number, number>, earlier: Map<number, number>): Map<number, number> {
	const out = new Map<number, number>();
	for (const [addr, n] of later) {
		const d = n - (earlier.get(addr) ?? 0);
		if (d > 0) out.set(addr, d);
	}
	return out;
}

/** A whole-run profile file of native/m4/plugin/region_count.c ("<hex address> <executions>" lines). */
export function parseProfile(text: string): Map<number, number> {
	const out = new Map<number, number>();
	for (const line of text.split("\n")) {
		if (!line) continue;
		const [a, n] = line.split(" ");
		out.set(parseInt(a!, 16), Number(n));
	}
	return out;
}
