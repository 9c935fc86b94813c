/* QEMU TCG plugin: exact guest instruction counts of marked regions.
 *   -plugin libregion_count.so,begin=0xADDR,end=0xADDR[,out=FILE][,profile=FILE]
 * Every executed guest instruction adds 1 to a counter (an inline add, exact even when a translation block
 * is left early). Executing the instruction at `begin` opens a region; executing the one at `end` closes it
 * and prints "@count N" (to FILE, else stderr). QEMU runs an instruction's callbacks before its inline add,
 * so a region counts the begin marker's own instructions and the call to the end marker: a constant the
 * guest measures with an empty region and subtracts. Regions do not nest; a begin inside a region prints
 * "@error nested". A single vCPU is assumed (the counter is not atomic).
 * split=LO-HI also counts the instructions at addresses in [LO, HI) apart (say, the C natives linked together
 * there, against the interpreter everywhere else): each "@count N" then reads "@count N S", S of N in the range.
 * profile=FILE also writes "<address> <executions>" for every instruction executed in the whole run (to see
 * where a kernel's instructions go: pair it with arm-none-eabi-objdump -d). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_v1.h"

HT_QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

static uint64_t executed, region_start, begin_addr, end_addr;
static uint64_t split_executed, split_start, split_lo, split_hi;
static int have_split;
static int in_region;
static FILE *out;

/* profile: an open-addressing table of per-instruction counters (the inline add targets the slot). */
enum { PROFILE_SLOTS = 1 << 20 };
typedef struct {
	uint64_t addr, count;
} profile_slot;
static profile_slot *profile;
static const char *profile_path;

static uint64_t *profile_counter(uint64_t addr)
{
	uint64_t key = addr | 1u; /* 0 marks an empty slot; instruction addresses are even */
	for (uint64_t i = (addr >> 1) * 0x9E3779B97F4A7C15ull >> 44;; i = (i + 1) & (PROFILE_SLOTS - 1)) {
		if (profile[i].addr == key || profile[i].addr == 0) {
			profile[i].addr = key;
			return &profile[i].count;
		}
	}
}

static void on_begin(unsigned int vcpu, void *userdata)
{
	(void)vcpu;
	(void)userdata;
	if (in_region)
		fprintf(out, "@error nested\n");
	in_region = 1;
	region_start = executed;
	split_start = split_executed;
}

static void on_end(unsigned int vcpu, void *userdata)
{
	(void)vcpu;
	(void)userdata;
	if (!in_region) {
		fprintf(out, "@error end without begin\n");
		return;
	}
	in_region = 0;
	if (have_split)
		fprintf(out, "@count %" PRIu64 " %" PRIu64 "\n", executed - region_start, split_executed - split_start);
	else
		fprintf(out, "@count %" PRIu64 "\n", executed - region_start);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t at = qemu_plugin_insn_vaddr(insn);
		if (at == begin_addr)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
		if (at == end_addr)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
		if (have_split && at >= split_lo && at < split_hi)
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &split_executed, 1);
		if (profile)
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, profile_counter(at), 1);
	}
}

static void on_exit_flush(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	fprintf(out, "@total %" PRIu64 "\n", executed);
	fflush(out);
	if (out != stderr)
		fclose(out);
	FILE *f = profile ? fopen(profile_path, "w") : NULL;
	for (uint32_t i = 0; f && i < PROFILE_SLOTS; i++)
		if (profile[i].count)
			fprintf(f, "%" PRIx64 " %" PRIu64 "\n", profile[i].addr & ~(uint64_t)1, profile[i].count);
	if (f)
		fclose(f);
}

/* "key=value" arguments; addresses in any base strtoull accepts. */
static int parse_args(int argc, char **argv)
{
	const char *path = NULL;
	int have_begin = 0, have_end = 0;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "begin=", 6) == 0) {
			begin_addr = strtoull(argv[i] + 6, NULL, 0);
			have_begin = 1;
		} else if (strncmp(argv[i], "end=", 4) == 0) {
			end_addr = strtoull(argv[i] + 4, NULL, 0);
			have_end = 1;
		} else if (strncmp(argv[i], "out=", 4) == 0) {
			path = argv[i] + 4;
		} else if (strncmp(argv[i], "split=", 6) == 0) {
			char *rest;
			split_lo = strtoull(argv[i] + 6, &rest, 0);
			split_hi = *rest == '-' ? strtoull(rest + 1, NULL, 0) : 0;
			if (split_hi <= split_lo) {
				fprintf(stderr, "region_count: split=LO-HI needs LO < HI\n");
				return 1;
			}
			have_split = 1;
		} else if (strncmp(argv[i], "profile=", 8) == 0) {
			profile_path = argv[i] + 8;
		} else {
			fprintf(stderr, "region_count: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	if (!have_begin || !have_end || begin_addr == end_addr) {
		fprintf(stderr, "region_count: needs begin=ADDR and end=ADDR (two different addresses)\n");
		return 1;
	}
	if (profile_path && !(profile = calloc(PROFILE_SLOTS, sizeof *profile))) {
		fprintf(stderr, "region_count: out of memory for the profile\n");
		return 1;
	}
	out = path ? fopen(path, "w") : stderr;
	if (!out) {
		fprintf(stderr, "region_count: cannot write %s\n", path);
		return 1;
	}
	return 0;
}

HT_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

HT_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	if (parse_args(argc, argv))
		return 1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_flush, NULL);
	return 0;
}
