/* The event loop after the bundle ran: promise jobs first, then due timers one at a time (each followed by
 * the promise jobs it queued), sleeping until the next timer; it ends when nothing is pending. */
#include "xsAll.h"
#include "sim.h"

static void runPromiseJobs(txMachine *the)
{
	while (the->promiseJobs) {
		the->promiseJobs = 0;
		fxRunPromiseJobs(the);
	}
	fxEndJob(the);
}

void simRunLoop(txMachine *the)
{
	for (;;) {
		double delay;
		runPromiseJobs(the);
		if (the->promiseJobs)
			continue;
		if (simTimersFireOne(the))
			continue;
		delay = simTimersNextDelay();
		if (delay < 0)
			break;
		simSleepMilliseconds(delay);
		simTimersMarkDue();
	}
	fxCheckUnhandledRejections(the, 1);
}
