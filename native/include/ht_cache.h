/*
 * Synthesized-kernel cache and inference over it (docs/FORMAT.md §7 policies): boot, lazy, and stream (an LRU
 * of kernels in a byte budget smaller than all kernels, regenerating evicted layers). All memory is the
 * caller's; nothing is allocated.
 */
#ifndef HT_CACHE_H
#define HT_CACHE_H

#include "ht.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { HT_POLICY_BOOT = 0, HT_POLICY_LAZY = 1, HT_POLICY_STREAM = 2 } ht_policy;

/* One generated layer's place in the cache. */
typedef struct {
	uint32_t offset;   /* in the kernel memory; HT_NONE32 when not resident */
	uint32_t last_use; /* use clock of its last use */
} ht_cache_slot;

typedef struct {
	const ht_model *m;
	uint8_t *mem;
	uint32_t mem_len;
	void *scratch;
	uint32_t scratch_len;
	ht_cache_slot *slots; /* one per generated layer */
	uint16_t *order;      /* resident layers by ascending offset */
	uint16_t resident;
	uint32_t used_bytes, clock;
	uint32_t synthesized, evicted, compactions; /* counters since ht_cache_init */
} ht_cache;

/* Kernel bytes of all generated layers together (what boot and lazy need); UINT32_MAX if it overflows. */
uint32_t ht_cache_total_bytes(const ht_model *m);

/* Lays the cache over mem (4-byte aligned). boot and lazy need mem_len >= ht_cache_total_bytes; stream needs
 * mem_len >= m->max_kernel_bytes; scratch >= m->synth_scratch_bytes (4-byte aligned); slots and order hold
 * slot_count >= m->gen_count entries. HT_E_ARGUMENT otherwise. boot synthesizes every layer here. */
int ht_cache_init(ht_cache *c, const ht_model *m, ht_policy policy, uint8_t *mem, uint32_t mem_len, void *scratch,
                  uint32_t scratch_len, ht_cache_slot *slots, uint16_t *order, uint32_t slot_count);

/* Generated layer g's kernel, synthesized first (evicting under stream) when it is not resident. The pointer
 * stays valid until the next ht_cache_kernel call. */
int ht_cache_kernel(ht_cache *c, uint16_t g, const uint8_t **kernel, uint32_t *kernel_len);

/* Op i over the arena, its kernel fetched from the cache when it is a generated PW. */
int ht_cache_run_op(ht_cache *c, uint16_t op, int8_t *arena, uint32_t arena_len);

/* Every op of the model in order: one inference. */
int ht_invoke(ht_cache *c, int8_t *arena, uint32_t arena_len);

#ifdef __cplusplus
}
#endif
#endif
