/* Moddable's Time counters (modules/base/time, modules/base/microseconds): ticks and microseconds count
 * from the simulator's start, like a device's counters count from boot. */
#include "xsmc.h"
#include "sim.h"

void xs_time_ticks(xsMachine *the)
{
	xsmcSetNumber(xsResult, simNowMilliseconds());
}

void xs_time_microseconds(xsMachine *the)
{
	xsmcSetNumber(xsResult, simNowMicroseconds());
}

/* delta(start[, end = ticks]) */
void xs_time_delta(xsMachine *the)
{
	double start = (xsmcArgc > 0) ? xsmcToNumber(xsArg(0)) : 0;
	double end = (xsmcArgc > 1 && xsmcTypeOf(xsArg(1)) != xsUndefinedType) ? xsmcToNumber(xsArg(1)) : simNowMilliseconds();
	xsmcSetNumber(xsResult, end - start);
}
