/* The kernel cache of ht_cache.h. Eviction is the LRU rule of docs/FORMAT.md §7; placement is first fit by
 * address, compacting the resident kernels towards offset 0 when no gap is large enough. Kernel sizes are
 * multiples of 4, so every offset stays 4-byte aligned. */
#include <string.h>

#include "ht_cache.h"

uint32_t ht_cache_total_bytes(const ht_model *m)
{
	uint64_t total = 0;
	for (uint16_t g = 0; m && g < m->gen_count; g++)
		total += ht_gen_kernel_bytes(m, g);
	return total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
}

static uint32_t end_of(const ht_cache *c, uint16_t g)
{
	return c->slots[g].offset + ht_gen_kernel_bytes(c->m, g);
}

static void evict_lru(ht_cache *c)
{
	uint16_t victim = 0, at = 0;
	for (uint16_t i = 0; i < c->resident; i++) {
		uint16_t g = c->order[i];
		if (i == 0 || c->slots[g].last_use < c->slots[victim].last_use) {
			victim = g;
			at = i;
		}
	}
	c->used_bytes -= ht_gen_kernel_bytes(c->m, victim);
	c->slots[victim].offset = HT_NONE32;
	memmove(c->order + at, c->order + at + 1, (size_t)(c->resident - at - 1u) * sizeof *c->order);
	c->resident--;
	c->evicted++;
}

/* Index in order where a gap of `bytes` starts (its offset in *offset), or resident when there is none. */
static uint16_t first_fit(const ht_cache *c, uint32_t bytes, uint32_t *offset)
{
	uint32_t start = 0;
	for (uint16_t i = 0; i < c->resident; i++) {
		if (c->slots[c->order[i]].offset - start >= bytes) {
			*offset = start;
			return i;
		}
		start = end_of(c, c->order[i]);
	}
	*offset = start;
	return c->mem_len - start >= bytes ? c->resident : (uint16_t)(c->resident + 1u);
}

static void compact(ht_cache *c)
{
	uint32_t start = 0;
	for (uint16_t i = 0; i < c->resident; i++) {
		ht_cache_slot *s = &c->slots[c->order[i]];
		uint32_t bytes = ht_gen_kernel_bytes(c->m, c->order[i]);
		if (s->offset != start)
			memmove(c->mem + start, c->mem + s->offset, bytes);
		s->offset = start;
		start += bytes;
	}
	c->compactions++;
}

/* Makes room for layer g and synthesizes it there. */
static int load(ht_cache *c, uint16_t g)
{
	const uint32_t bytes = ht_gen_kernel_bytes(c->m, g);
	while (c->mem_len - c->used_bytes < bytes) {
		if (c->resident == 0)
			return HT_E_ARGUMENT; /* unreachable after ht_cache_init's budget check */
		evict_lru(c);
	}
	uint32_t offset;
	uint16_t at = first_fit(c, bytes, &offset);
	if (at > c->resident) {
		compact(c);
		at = first_fit(c, bytes, &offset);
	}
	int st = ht_synthesize(c->m, g, c->mem + offset, bytes, c->scratch, c->scratch_len);
	if (st != HT_OK)
		return st;
	memmove(c->order + at + 1, c->order + at, (size_t)(c->resident - at) * sizeof *c->order);
	c->order[at] = g;
	c->resident++;
	c->slots[g].offset = offset;
	c->used_bytes += bytes;
	c->synthesized++;
	return HT_OK;
}

int ht_cache_kernel(ht_cache *c, uint16_t g, const uint8_t **kernel, uint32_t *kernel_len)
{
	if (!c || !c->m || g >= c->m->gen_count || !kernel || !kernel_len)
		return HT_E_ARGUMENT;
	if (c->slots[g].offset == HT_NONE32) {
		int st = load(c, g);
		if (st != HT_OK)
			return st;
	}
	c->slots[g].last_use = ++c->clock;
	*kernel = c->mem + c->slots[g].offset;
	*kernel_len = ht_gen_kernel_bytes(c->m, g);
	return HT_OK;
}

int ht_cache_init(ht_cache *c, const ht_model *m, ht_policy policy, uint8_t *mem, uint32_t mem_len, void *scratch,
                  uint32_t scratch_len, ht_cache_slot *slots, uint16_t *order, uint32_t slot_count)
{
	if (!c || !m || (m->gen_count && (!mem || !slots || !order || !scratch)) || ((uintptr_t)mem & 3u) ||
	    ((uintptr_t)scratch & 3u) || slot_count < m->gen_count || scratch_len < m->synth_scratch_bytes)
		return HT_E_ARGUMENT;
	uint32_t need = policy == HT_POLICY_STREAM ? m->max_kernel_bytes : ht_cache_total_bytes(m);
	if ((policy != HT_POLICY_BOOT && policy != HT_POLICY_LAZY && policy != HT_POLICY_STREAM) || mem_len < need)
		return HT_E_ARGUMENT;
	memset(c, 0, sizeof *c);
	c->m = m;
	c->mem = mem;
	c->mem_len = mem_len;
	c->scratch = scratch;
	c->scratch_len = scratch_len;
	c->slots = slots;
	c->order = order;
	for (uint16_t g = 0; g < m->gen_count; g++) {
		slots[g].offset = HT_NONE32;
		slots[g].last_use = 0;
	}
	for (uint16_t g = 0; policy == HT_POLICY_BOOT && g < m->gen_count; g++) {
		int st = load(c, g);
		if (st != HT_OK)
			return st;
	}
	return HT_OK;
}

int ht_cache_run_op(ht_cache *c, uint16_t op, int8_t *arena, uint32_t arena_len)
{
	if (!c || !c->m)
		return HT_E_ARGUMENT;
	const uint8_t *kernel = NULL;
	uint32_t kernel_len = 0;
	uint16_t g = ht_op_gen_layer(c->m, op);
	if (g != HT_NONE16) {
		int st = ht_cache_kernel(c, g, &kernel, &kernel_len);
		if (st != HT_OK)
			return st;
	}
	return ht_run_op(c->m, op, arena, arena_len, kernel, kernel_len);
}

int ht_invoke(ht_cache *c, int8_t *arena, uint32_t arena_len)
{
	if (!c || !c->m)
		return HT_E_ARGUMENT;
	for (uint16_t i = 0; i < c->m->op_count; i++) {
		int st = ht_cache_run_op(c, i, arena, arena_len);
		if (st != HT_OK)
			return st;
	}
	return HT_OK;
}
