/* The XS platform hooks hypertiny-sim provides (the rest come from XS's defaults, see sim_platform.h). */
#include "xsAll.h"
#include "sim.h"

void fxCreateMachinePlatform(txMachine *the)
{
	the->promiseJobs = 0;
}

void fxDeleteMachinePlatform(txMachine *the)
{
	(void)the;
}

/* The XS heap (chunks and slots, which XS frees only with the machine) is capped, so a runaway script
 * ends with "not enough memory" instead of exhausting the computer. */
#define kHeapLimit ((size_t)1 << 30)
static size_t gxHeapAllocated;

static void *allocateHeap(size_t size)
{
	void *block;
	if (size > kHeapLimit - gxHeapAllocated)
		return NULL;
	block = c_malloc(size);
	if (block)
		gxHeapAllocated += size;
	return block;
}

void *fxAllocateChunks(txMachine *the, txSize size)
{
	(void)the;
	return allocateHeap((size_t)size);
}

void fxFreeChunks(txMachine *the, void *chunks)
{
	(void)the;
	c_free(chunks);
}

txSlot *fxAllocateSlots(txMachine *the, txSize count)
{
	(void)the;
	return allocateHeap((size_t)count * sizeof(txSlot));
}

void fxFreeSlots(txMachine *the, void *slots)
{
	(void)the;
	c_free(slots);
}

void fxQueuePromiseJobs(txMachine *the)
{
	the->promiseJobs = 1;
}

/* XS calls this for conditions it cannot recover from; the simulator reports and exits with status 1. */
void fxAbort(txMachine *the, int status)
{
	switch (status) {
	case XS_UNHANDLED_EXCEPTION_EXIT:
		simReportException(the, "uncaught exception");
		break;
	case XS_UNHANDLED_REJECTION_EXIT:
		simReportException(the, "unhandled promise rejection");
		break;
	case XS_STACK_OVERFLOW_EXIT:
		fprintf(stderr, "hypertiny-sim: stack overflow\n");
		break;
	case XS_NOT_ENOUGH_MEMORY_EXIT:
		fprintf(stderr, "hypertiny-sim: not enough memory\n");
		break;
	case XS_NO_MORE_KEYS_EXIT:
		fprintf(stderr, "hypertiny-sim: not enough keys\n");
		break;
	default:
		fprintf(stderr, "hypertiny-sim: XS aborted (status %d)\n", status);
		break;
	}
	exit(1);
}
