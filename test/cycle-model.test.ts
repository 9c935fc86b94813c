// The Cortex-M4 cycle model (host/bench/cycle-model.ts) on hand-made instruction lists: each figure below is the
// TRM's (ARM DDI 0439B §3.3.1 Table 3-1, §3.3.2, Table 7-1), so a change to the timing table fails here.
import test from "ava";
import { decode, estimateCycles, NOMINAL, parseDisassembly, parseProfile, PESSIMISTIC, profileDifference, takenCounts, type Insn } from "../host/bench/cycle-model.ts";
import { parseRegionProfiles } from "../host/bench/region-profile.ts";

type Line = [size: 2 | 4, text: string, operands: string];

/** objdump -d lines for the instructions, laid out from `start`; their addresses. */
function code(lines: Line[], start = 0x1000): { insns: Map<number, Insn>; at: number[] } {
	let addr = start;
	const at: number[] = [];
	const text = ["00001000 <f>:"];
	for (const [size, mnemonic, operands] of lines) {
		at.push(addr);
		text.push(`    ${addr.toString(16)}:\t${size === 4 ? "f000 0000" : "0000     "} \t${mnemonic}\t${operands}`);
		addr += size;
	}
	return { insns: parseDisassembly(text.join("\n")), at };
}

/** Every instruction executed once (or as given), cycles under the assumptions. */
function cycles(lines: Line[], a = NOMINAL, counts?: number[]): number {
	const { insns, at } = code(lines);
	return estimateCycles(insns, new Map(at.map((addr, i) => [addr, counts?.[i] ?? 1])), a).cycles;
}

test("data processing, every multiply and the DSP instructions take one cycle", (t) => {
	const ops: Line[] = [
		[2, "adds", "r0, #1"], [4, "add.w", "r3, sl, #128"], [2, "mov", "fp, r3"], [4, "mul.w", "r0, r1, r2"], [4, "mla", "r0, r1, r2, r3"],
		[4, "mls", "r0, r1, r2, r3"], [4, "smull", "r0, r1, r2, r3"], [4, "smlal", "r4, r5, r1, r2"], [4, "umull", "r0, r1, r2, r3"],
		[4, "smlad", "r3, ip, r8, r3"], [4, "smuad", "r3, ip, r8"], [4, "sxtb16", "ip, lr"], [4, "ssat", "r3, #8, r3"], [4, "usat", "r3, #8, r3"],
		[4, "sxtab16", "r0, r1, r2"], [4, "pkhbt", "r0, r1, r2, lsl #16"], [4, "sel", "r0, r1, r2"], [4, "ubfx", "r0, r1, #2, #3"], [2, "cmp", "r1, r3"],
	];
	t.is(cycles(ops), ops.length);
	t.is(cycles(ops, PESSIMISTIC), ops.length);
});

test("single loads take 2 cycles, 1 when pipelined after an independent load (the TRM's §3.3.2 examples)", (t) => {
	t.is(cycles([[2, "ldr", "r3, [r0, #4]"]]), 2);
	// "LDR R0,[R1]; LDR R1,[R2] - normally three cycles total"
	t.is(cycles([[2, "ldr", "r0, [r1, #0]"], [2, "ldr", "r1, [r2, #0]"]]), 3);
	// "LDR R0,[R1,R5]; LDR R1,[R2]; LDR R2,[R3,#4] - normally four cycles total"
	t.is(cycles([[2, "ldr", "r0, [r1, r5]"], [2, "ldr", "r1, [r2, #0]"], [2, "ldr", "r2, [r3, #4]"]]), 4);
	// "LDR R0,[R1,R2]; STR R0,[R3,#20] - normally three cycles total"
	t.is(cycles([[2, "ldr", "r0, [r1, r2]"], [2, "str", "r0, [r3, #20]"]]), 3);
	// "LDR R0,[R1,R2]; STR R1,[R3,R2] - normally three cycles total"
	t.is(cycles([[2, "ldr", "r0, [r1, r2]"], [2, "str", "r1, [r3, r2]"]]), 3);
	// The second load addressed through the first's result: no pipelining.
	t.is(cycles([[2, "ldr", "r1, [r0, #0]"], [2, "ldrb", "r2, [r1, #0]"]]), 4);
	// Byte, halfword and signed loads are single loads too.
	t.is(cycles([[4, "ldrsb.w", "r1, [r0, #8]"], [2, "ldrh", "r2, [r3, #2]"], [4, "ldrsh.w", "r4, [r5]"]]), 4);
	// Pessimistic: nothing pipelined; a literal load pays the fetch contention.
	t.is(cycles([[2, "ldr", "r0, [r1, #0]"], [2, "ldr", "r1, [r2, #0]"]], PESSIMISTIC), 4);
	t.is(cycles([[2, "ldr", "r3, [pc, #20]"]]), 2);
	t.is(cycles([[2, "ldr", "r3, [pc, #20]"]], PESSIMISTIC), 3);
});

test("stores: immediate offset 1 cycle, register offset 2 (1 after a load), exclusive 2", (t) => {
	t.is(cycles([[2, "str", "r1, [sp, #60]"]]), 1);
	t.is(cycles([[4, "strb.w", "r1, [r2], #1"]]), 1);
	t.is(cycles([[2, "strb", "r1, [r2, r3]"]]), 2);
	t.is(cycles([[4, "strex", "r0, r1, [r2]"]]), 2);
});

test("an address computed by the instruction before costs one more cycle", (t) => {
	t.is(cycles([[2, "adds", "r1, #4"], [2, "ldr", "r2, [r1, #0]"]]), 1 + 3);
	t.is(cycles([[2, "adds", "r3, #4"], [2, "ldr", "r2, [r1, #0]"]]), 1 + 2);
	t.is(cycles([[2, "adds", "r1, #4"], [2, "str", "r2, [r1, #0]"]]), 1 + 2);
	t.is(cycles([[2, "adds", "r1, #4"], [2, "str", "r2, [r1, #0]"]], PESSIMISTIC), 1 + 2);
});

test("LDRD/STRD take 3 cycles, LDM/STM/PUSH/POP 1 + N, with PC 1 + N + P", (t) => {
	t.is(cycles([[4, "ldrd", "r2, r3, [r0, #8]"]]), 3);
	t.is(cycles([[4, "strd", "r1, r0, [sp, #28]"]]), 3);
	// LDRD is never pipelined with the load before it, nor the one after.
	t.is(cycles([[2, "ldr", "r0, [r1, #0]"], [4, "ldrd", "r2, r3, [r4]"], [2, "ldr", "r5, [r6, #0]"]]), 2 + 3 + 2);
	t.is(cycles([[4, "ldmia.w", "r2!, {r8, r9, sl, fp}"]]), 5);
	t.is(cycles([[4, "stmdb", "sp!, {r4, r5, r6, r7, r8, r9, sl, fp, lr}"]]), 10);
	t.is(cycles([[2, "push", "{r4, r5, r6, r7, lr}"]]), 6);
	t.is(cycles([[2, "pop", "{r4, r5, r6, r7}"]]), 5);
	// POP {..., PC}: 1 + N + P, P = 2 for a target from memory; pessimistic P = 3 plus 2 flash wait states.
	t.is(cycles([[2, "pop", "{r4, pc}"]]), 1 + 2 + 2);
	t.is(cycles([[4, "ldmia.w", "sp!, {r4, r5, r6, r7, r8, r9, sl, fp, pc}"]]), 1 + 9 + 2);
	t.is(cycles([[2, "pop", "{r4, pc}"]], PESSIMISTIC), 1 + 2 + 3 + 2);
});

test("branches: not taken 1, taken 1 + P (P from the target's width and alignment); calls and returns 1 + P", (t) => {
	// A loop run 10 times: the branch back is taken 9 times; its target is 16-bit, so P = 1.
	const loop: Line[] = [[2, "subs", "r0, #1"], [2, "bne.n", "1000 <f>"], [2, "movs", "r0, #0"]];
	const { insns, at } = code(loop);
	const profile = new Map([[at[0]!, 10], [at[1]!, 10], [at[2]!, 1]]);
	t.is(takenCounts(insns, profile).get(at[1]!), 9);
	t.is(estimateCycles(insns, profile).cycles, 10 + (10 + 9 * 1) + 1);
	t.is(estimateCycles(insns, profile, PESSIMISTIC).cycles, 10 + (10 + 9 * (3 + 2)) + 1);
	// A branch to a 32-bit instruction at a halfword (not word) address: P = 2.
	t.is(cycles([[2, "b.n", "1004 <f+0x4>"], [2, "nop", ""], [4, "add.w", "r0, r0, #1"]], NOMINAL, [1, 0, 1]), 1 + 1 + 1);
	t.is(cycles([[2, "b.n", "1006 <f+0x6>"], [2, "nop", ""], [2, "nop", ""], [4, "add.w", "r0, r0, #1"]], NOMINAL, [1, 0, 0, 1]), 1 + 2 + 1);
	t.is(cycles([[4, "bl", "2000 <g>"]]), 2);
	t.is(cycles([[2, "bx", "lr"]]), 3);
	t.is(cycles([[2, "blx", "r3"]]), 3);
	t.is(cycles([[4, "ldr.w", "pc, [sp], #4"]]), 5);
	t.is(cycles([[4, "tbb", "[pc, r3]"]]), 6);
	t.is(cycles([[4, "bl", "2000 <g>"]], PESSIMISTIC), 1 + 3 + 2);
});

test("conditional branches in and out of IT blocks, CBZ; taken counts from the flow", (t) => {
	const { insns, at } = code([
		[2, "cmp", "r0, #0"], [2, "it", "eq"], [2, "bxeq", "lr"], [2, "cbz", "r1, 100a <f+0xa>"], [2, "movs", "r0, #1"], [2, "movs", "r0, #2"],
	]);
	t.is(insns.get(at[2]!)!.op, "bx");
	t.true(insns.get(at[2]!)!.conditional);
	t.is(insns.get(at[3]!)!.op, "cbz");
	t.true(insns.get(at[3]!)!.conditional);
	// 8 calls: 3 return at the BX, 5 go on; the CBZ jumps over the first MOVS 4 times of 5.
	const profile = new Map([[at[0]!, 8], [at[1]!, 8], [at[2]!, 8], [at[3]!, 5], [at[4]!, 1], [at[5]!, 5]]);
	const taken = takenCounts(insns, profile);
	t.is(taken.get(at[2]!), 3);
	t.is(taken.get(at[3]!), 4);
	// cmp 8; IT folded onto the 16-bit CMP (0); BXEQ 8 + 3 x P(2); CBZ 5 + 4 x P(1); movs 1 + 5.
	t.is(estimateCycles(insns, profile).cycles, 8 + 0 + (8 + 3 * 2) + (5 + 4 * 1) + 1 + 5);
	// Pessimistic: IT 1 cycle, every refill 3 + 2 wait states.
	t.is(estimateCycles(insns, profile, PESSIMISTIC).cycles, 8 + 8 + (8 + 3 * 5) + (5 + 4 * 5) + 1 + 5);
});

test("IT folds onto a preceding 16-bit instruction only; instructions in it lose their condition suffix", (t) => {
	t.is(cycles([[2, "cmp", "r0, #0"], [2, "ite", "lt"], [2, "sxtblt", "r3, r5"], [2, "sxtbge", "r3, r0"]]), 1 + 0 + 1 + 1);
	t.is(cycles([[4, "cmp.w", "fp, #0"], [2, "ite", "lt"], [2, "sxtblt", "r3, r5"], [4, "sxtbge.w", "r3, r0"]]), 1 + 1 + 1 + 1);
	const { insns, at } = code([[2, "ite", "eq"], [2, "moveq", "r1, r6"], [4, "ldrbne.w", "r1, [r2, #1]"], [2, "bls.n", "1000 <f>"]]);
	t.deepEqual(at.map((a) => [insns.get(a)!.op, insns.get(a)!.conditional]), [["it", false], ["mov", true], ["ldrb", true], ["b", true]]);
	t.is(decode(insns.get(at[2]!)!).cls, "load");
});

test("divides 2 to 12 cycles (7 nominal, 12 pessimistic) and the FPU's timings (Table 7-1)", (t) => {
	t.is(cycles([[4, "sdiv", "r0, r1, r2"]]), 7);
	t.is(cycles([[4, "udiv", "r0, r1, r2"]], PESSIMISTIC), 12);
	t.is(cycles([[4, "vadd.f32", "s0, s1, s2"], [4, "vmul.f32", "s0, s1, s2"], [4, "vcvt.s32.f32", "s0, s0"]]), 3);
	t.is(cycles([[4, "vmla.f32", "s0, s1, s2"]]), 3);
	t.is(cycles([[4, "vfma.f32", "s0, s1, s2"]]), 3);
	t.is(cycles([[4, "vdiv.f32", "s0, s1, s2"]]), 14);
	t.is(cycles([[4, "vsqrt.f32", "s0, s1"]]), 14);
	t.is(cycles([[4, "vldr", "s0, [r0, #4]"]]), 2);
	t.is(cycles([[4, "vstr", "s0, [r0, #4]"]]), 2);
	t.is(cycles([[4, "vmov", "s0, r3"]]), 1);
	t.is(cycles([[4, "vmov", "r0, r1, d0"]]), 2);
	t.is(cycles([[4, "vpush", "{d8-d9}"]]), 1 + 4);
	t.is(cycles([[4, "vpop", "{s16-s18}"]]), 1 + 3);
});

test("barriers, system registers, hints; addresses without disassembly count one cycle apiece", (t) => {
	t.is(cycles([[4, "dsb", "sy"]]), 1);
	t.is(cycles([[4, "isb", "sy"]]), 2);
	t.is(cycles([[4, "mrs", "r0, PRIMASK"]]), 2);
	t.is(cycles([[2, "nop", ""]]), 1);
	const { insns } = code([[2, "nop", ""]]);
	const e = estimateCycles(insns, new Map([[0x9000, 7]]));
	t.is(e.cycles, 7);
	t.is(e.by_class.unknown?.instructions, 7);
});

test("per-class figures add up; a real kernel loop body weighs as the TRM says", (t) => {
	// The pointwise kernel's inner loop (ht_pwconv_s8, 32 MACs): 2 LDR, 4 LDM of 4, 16 SMLAD, 4 SXTB16, SUBS, BNE.
	const body: Line[] = [[4, "ldr.w", "lr, [r1], #4"], [4, "sxtb16", "ip, lr"], [4, "sxtb16", "lr, lr, ror #8"]];
	for (let i = 0; i < 2; i++) body.push([4, "ldmia.w", "r2!, {r8, r9, sl, fp}"], [4, "smlad", "r3, ip, r8, r3"], [4, "smlad", "r3, lr, r9, r3"], [4, "smlad", "r4, ip, sl, r4"], [4, "smlad", "r4, lr, fp, r4"]);
	const loop = [...body, ...body, [2, "subs", "r0, #1"], [2, "bne.n", "1000 <f>"], [2, "movs", "r0, #0"]] as Line[];
	const { insns, at } = code(loop);
	const profile = new Map(at.map((a, i) => [a, i === at.length - 1 ? 1 : 100]));
	const e = estimateCycles(insns, profile);
	// Per pass: 2 x 2 (LDR) + 4 x 5 (LDM) + 16 + 4 + 1 + 1 (BNE) = 46, and 99 taken branches with P = 1.
	t.is(e.cycles, 100 * 46 + 99 + 1);
	t.is(e.by_class.load_store_multiple?.cycles, 100 * 20);
	t.is(Object.values(e.by_class).reduce((s, c) => s + c.cycles, 0), e.cycles);
	t.is(Object.values(e.by_class).reduce((s, c) => s + c.instructions, 0), e.instructions);
});

test("profiles: parsing, subtracting, and per-region profiles", (t) => {
	const later = parseProfile("1000 10\n1002 5\n1004 3\n");
	const earlier = parseProfile("1000 4\n1002 5\n");
	t.deepEqual([...profileDifference(later, earlier)], [[0x1000, 6], [0x1004, 3]]);
	const regions = parseRegionProfiles("@region 0 2\n100 1\n102 1\n@region 1 7\n100 1\n200 6\n@regions 2\n");
	t.deepEqual(regions.map((r) => [r.instructions, [...r.profile]]), [[2, [[0x100, 1], [0x102, 1]]], [7, [[0x100, 1], [0x200, 6]]]]);
});
