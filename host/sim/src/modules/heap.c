/* The XS heap after a full garbage collection, for soak tests ("is the heap flat?"): bytes of chunks
 * (strings, array and buffer storage) and of slots in use, and their peaks since the machine started.
 * Simulator only: device code never calls it. */
#include "xsAll.h"
#include "xsmc.h"

void xs_sim_heap(xsMachine *the)
{
	txMachine *machine = (txMachine *)the;
	xsCollectGarbage();
	xsmcVars(1);
	xsResult = xsmcNewObject();
	xsmcSetNumber(xsVar(0), (double)machine->currentChunksSize);
	xsmcSet(xsResult, xsID("chunks"), xsVar(0));
	xsmcSetNumber(xsVar(0), (double)machine->currentHeapCount * (double)sizeof(txSlot));
	xsmcSet(xsResult, xsID("slots"), xsVar(0));
	xsmcSetNumber(xsVar(0), (double)machine->peakChunksSize);
	xsmcSet(xsResult, xsID("peakChunks"), xsVar(0));
	xsmcSetNumber(xsVar(0), (double)machine->peakHeapCount * (double)sizeof(txSlot));
	xsmcSet(xsResult, xsID("peakSlots"), xsVar(0));
}
