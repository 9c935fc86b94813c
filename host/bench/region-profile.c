/* QEMU TCG plugin for the cycle model (host/bench/cycle-model.ts): a per-address instruction profile of every
 * marked region, where native/m4/plugin/region_count.c has one profile for the whole run.
 *   -plugin libregion_profile.so,begin=0xADDR,end=0xADDR,out=FILE
 * Regions open and close exactly as region_count.c's do (the instruction at `begin` opens one, the one at `end`
 * closes it; callbacks run before the instruction's inline add, so a region holds the begin marker's own
 * instructions and the call to the end marker, as the counts do). At each close it writes "@region K N" (K from
 * 0, N the instructions executed in it) and then "<hex address> <executions>" for every address executed in the
 * region. The profile of region K belongs to the K-th "@region" line the program printed. Regions do not nest;
 * a single vCPU is assumed. Built by host/bench/region-profile.ts with the host's cc, against the project's
 * declarations of QEMU's plugin API (native/m4/plugin/qemu_plugin_v1.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_v1.h"

HT_QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

enum { SLOTS = 1 << 20 };
typedef struct {
	uint64_t addr, count, mark;
} slot;
static slot *table;
static uint32_t *used; /* indices of the slots in use, in order of first translation */
static uint32_t n_used;
static uint64_t begin_addr, end_addr, regions;
static int in_region;
static FILE *out;

static slot *slot_of(uint64_t addr)
{
	uint64_t key = addr | 1u; /* 0 marks an empty slot; instruction addresses are even */
	for (uint64_t i = (addr >> 1) * 0x9E3779B97F4A7C15ull >> 44;; i = (i + 1) & (SLOTS - 1)) {
		if (table[i].addr == key)
			return &table[i];
		if (table[i].addr == 0) {
			if (n_used == SLOTS - 1) {
				fprintf(stderr, "region_profile: more than %d instruction addresses\n", SLOTS - 1);
				exit(1);
			}
			table[i].addr = key;
			used[n_used++] = (uint32_t)i;
			return &table[i];
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
	for (uint32_t k = 0; k < n_used; k++)
		table[used[k]].mark = table[used[k]].count;
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
	uint64_t total = 0;
	for (uint32_t k = 0; k < n_used; k++)
		total += table[used[k]].count - table[used[k]].mark;
	fprintf(out, "@region %" PRIu64 " %" PRIu64 "\n", regions++, total);
	for (uint32_t k = 0; k < n_used; k++) {
		const slot *s = &table[used[k]];
		if (s->count != s->mark)
			fprintf(out, "%" PRIx64 " %" PRIu64 "\n", s->addr & ~(uint64_t)1, s->count - s->mark);
	}
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
		/* A slot is created when first translated; its mark is 0 then, as its count. */
		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &slot_of(at)->count, 1);
	}
}

static void on_exit_flush(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	fprintf(out, "@regions %" PRIu64 "\n", regions);
	if (out != stderr)
		fclose(out);
}

HT_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

HT_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	(void)info;
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
		} else {
			fprintf(stderr, "region_profile: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	if (!have_begin || !have_end || begin_addr == end_addr) {
		fprintf(stderr, "region_profile: needs begin=ADDR and end=ADDR (two different addresses)\n");
		return 1;
	}
	table = calloc(SLOTS, sizeof *table);
	used = calloc(SLOTS, sizeof *used);
	out = path ? fopen(path, "w") : stderr;
	if (!table || !used || !out) {
		fprintf(stderr, "region_profile: out of memory, or cannot write %s\n", path ? path : "stderr");
		return 1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_flush, NULL);
	return 0;
}
