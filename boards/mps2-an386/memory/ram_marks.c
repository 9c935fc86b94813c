/* RAM high-water marks of the whole app on the emulated core, for sizing the nRF52840 firmware (host/m4app/ram.ts,
 * npm run bench:firmware -- --measure). Linked only into the MEMORY=1 build of boards/mps2-an386/Makefile, with
 * --wrap for the C allocator, modCloneMachine, modRunMachineSetup and m4app_ble_dump: the counted builds of
 * bench:m4app stay as they are (not one instruction added to them).
 *
 * - C heap: every malloc/calloc/realloc/free the app's objects make (XS, Moddable's modules, our natives, the board),
 *   as FreeRTOS heap_4 on the nRF52 would place it: each block is its request plus heap_4's 8-byte header, rounded
 *   up to 8 bytes. The XS heap (creation.static, one allocation in modCloneMachine) is reported apart.
 * - XS heap: inside that block XS grows chunks up from its bottom and slots (its stack among them) down from its top;
 *   the high-water is what the two regions took (heap_ptr - heap, end - heap_pend), and XS's own peaks of live
 *   chunk bytes and live slots.
 * - XS stack: its slots below the stack pointer are painted when the app's main module starts; the lowest slot
 *   written since gives the deepest JS stack.
 * - Native stack: the C stack below modCloneMachine's caller is painted before the VM is made; the deepest word
 *   written since gives the stack the XS task needs (measured from that frame down). */
#include "xsAll.h"
#include "xs.h"
#include "xsHosts.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern xsMachine *gThe;

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
txMachine *__real_modCloneMachine(xsCreation *creation, const char *name);
void __real_modRunMachineSetup(txMachine *the);
void __real_m4app_ble_dump(void);

/* heap_4: xHeapStructSize 8, portBYTE_ALIGNMENT 8. */
#define BLOCK(size) ((((uint32_t)(size)) + 8u + 7u) & ~7u)

enum { SLOTS = 8192 };
static void *gPtr[SLOTS];
static uint32_t gSize[SLOTS];
static uint32_t gLive, gPeak, gLiveBlocks, gPeakBlocks, gAllocations, gLargest, gUnknownFrees, gTableFull;
static uint32_t gStaticSize, gStaticPending;
static void *gStatic;

static uint32_t slotOf(void *p)
{
	return (((uint32_t)(uintptr_t)p) >> 3) * 2654435761u % SLOTS;
}

static void track(void *p, size_t size)
{
	if (!p)
		return;
	if (gStaticPending && size == gStaticPending) {
		gStatic = p;
		gStaticPending = 0;
		return;
	}
	uint32_t i = slotOf(p), n;
	for (n = 0; n < SLOTS && gPtr[i]; n++)
		i = (i + 1) % SLOTS;
	if (n == SLOTS) {
		gTableFull++;
		return;
	}
	gPtr[i] = p;
	gSize[i] = BLOCK(size);
	gLive += gSize[i];
	gLiveBlocks++;
	gAllocations++;
	if (size > gLargest)
		gLargest = size;
	if (gLive > gPeak)
		gPeak = gLive;
	if (gLiveBlocks > gPeakBlocks)
		gPeakBlocks = gLiveBlocks;
}

static void untrack(void *p)
{
	if (!p || p == gStatic)
		return;
	uint32_t i = slotOf(p), n;
	for (n = 0; n < SLOTS && gPtr[i] != p; n++) {
		if (!gPtr[i]) {
			n = SLOTS;
			break;
		}
		i = (i + 1) % SLOTS;
	}
	if (n == SLOTS) {
		gUnknownFrees++;
		return;
	}
	gLive -= gSize[i];
	gLiveBlocks--;
	/* Open addressing: re-insert the run after the hole. */
	gPtr[i] = NULL;
	for (uint32_t j = (i + 1) % SLOTS; gPtr[j]; j = (j + 1) % SLOTS) {
		void *q = gPtr[j];
		uint32_t s = gSize[j];
		gPtr[j] = NULL;
		uint32_t k = slotOf(q);
		while (gPtr[k])
			k = (k + 1) % SLOTS;
		gPtr[k] = q;
		gSize[k] = s;
	}
}

void *__wrap_malloc(size_t size)
{
	void *p = __real_malloc(size);
	track(p, size);
	return p;
}

void *__wrap_calloc(size_t count, size_t size)
{
	void *p = __real_calloc(count, size);
	track(p, count * size);
	return p;
}

void *__wrap_realloc(void *ptr, size_t size)
{
	void *p = __real_realloc(ptr, size);
	if (p) {
		/* heap_4's pvPortRealloc (Moddable's) allocates the new block before it frees the old one: both count. */
		if (ptr && gLive + BLOCK(size) > gPeak)
			gPeak = gLive + BLOCK(size);
		untrack(ptr);
		track(p, size);
	}
	return p;
}

void __wrap_free(void *ptr)
{
	untrack(ptr);
	__real_free(ptr);
}

#define PAINT 0xA5A5A5A5u
enum { NATIVE_PAINT_BYTES = 48 * 1024, NATIVE_KEEP_BYTES = 512 };
static uint32_t *gNativeLow;
static uint8_t *gNativeBase;

txMachine *__wrap_modCloneMachine(xsCreation *creation, const char *name)
{
	xsCreation *c = creation;
	if (!c)
		xsPreparationAndCreation(&c);
	gStaticSize = gStaticPending = c->staticSize;
	uint8_t *sp;
	__asm volatile("mov %0, sp" : "=r"(sp));
	gNativeBase = sp;
	gNativeLow = (uint32_t *)(((uintptr_t)sp - NATIVE_PAINT_BYTES) & ~(uintptr_t)7);
	for (uint32_t *w = gNativeLow; (uint8_t *)w < sp - NATIVE_KEEP_BYTES; w++)
		*w = PAINT;
	return __real_modCloneMachine(creation, name);
}

void __wrap_modRunMachineSetup(txMachine *the)
{
	/* Slots below the stack pointer hold nothing XS reads: paint them. */
	for (txSlot *s = the->stackBottom; s < the->stack; s++)
		memset(s, 0xA5, sizeof(txSlot));
	__real_modRunMachineSetup(the);
}

static int painted(const void *p, size_t bytes)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < bytes; i++)
		if (b[i] != 0xA5)
			return 0;
	return 1;
}

void __wrap_m4app_ble_dump(void)
{
	txMachine *the = gThe;
	uint32_t *w = gNativeLow;
	while ((uint8_t *)w < gNativeBase - NATIVE_KEEP_BYTES && *w == PAINT)
		w++;
	printf("@ram native_stack_bytes %u painted %u\n", (unsigned)(gNativeBase - (uint8_t *)w), (unsigned)NATIVE_PAINT_BYTES);
	printf("@ram c_heap_peak_bytes %u blocks %u allocations %u largest %u live_at_end %u unknown_frees %u table_full %u\n",
		(unsigned)gPeak, (unsigned)gPeakBlocks, (unsigned)gAllocations, (unsigned)gLargest, (unsigned)gLive, (unsigned)gUnknownFrees,
		(unsigned)gTableFull);
	/* The blocks live at the end (heap_4 bytes each), largest first: what the C heap holds in steady state. */
	printf("@ram c_heap_live");
	for (uint32_t shown = 0, last = UINT32_MAX; shown < gLiveBlocks;) {
		uint32_t best = 0;
		for (uint32_t i = 0; i < SLOTS; i++)
			if (gPtr[i] && gSize[i] < last && gSize[i] > best)
				best = gSize[i];
		if (!best)
			break;
		uint32_t count = 0;
		for (uint32_t i = 0; i < SLOTS; i++)
			if (gPtr[i] && gSize[i] == best)
				count++;
		printf(" %ux%u", (unsigned)best, (unsigned)count);
		shown += count;
		last = best;
	}
	printf("\n");
	if (the) {
		txSlot *s = the->stackBottom;
		while (s < the->stack && painted(s, sizeof(txSlot)))
			s++;
		uint32_t end = (uint32_t)(uintptr_t)the->heap + gStaticSize;
		printf("@ram xs_static_bytes %u static_block %u chunks_region %u slots_region %u\n", (unsigned)gStaticSize, gStatic == the->heap ? 1u : 0u,
			(unsigned)(the->heap_ptr - the->heap), (unsigned)(end - (uint32_t)(uintptr_t)the->heap_pend));
		printf("@ram xs_chunks peak %u current %u maximum %u\n", (unsigned)the->peakChunksSize, (unsigned)the->currentChunksSize,
			(unsigned)the->maximumChunksSize);
		printf("@ram xs_slots peak %u current %u maximum %u slot_bytes %u\n", (unsigned)the->peakHeapCount, (unsigned)the->currentHeapCount,
			(unsigned)the->maximumHeapCount, (unsigned)sizeof(txSlot));
		printf("@ram xs_stack peak_slots %u slots %u\n", (unsigned)(the->stackTop - s), (unsigned)(the->stackTop - the->stackBottom));
		printf("@ram xs_keys count %u index %u\n", (unsigned)the->keyCount, (unsigned)the->keyIndex);
	}
	__real_m4app_ble_dump();
}
