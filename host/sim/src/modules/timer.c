/* Moddable's Timer (modules/base/timer) for the simulator, with the documented semantics:
 * set(callback, initial = 0, repeat = 0), repeat(callback, interval), schedule(timer[, initial[, repeat]]),
 * clear(timer), delay(ms). Callbacks get the timer as argument and globalThis as this; a timer whose repeat
 * interval is 0 when its callback returns is cleared; due timers fire in creation order, timers that become
 * due while others fire wait for the next pass; repeating timers do not drift (trigger += repeat). */
#include "xsmc.h"
#include "sim.h"

typedef struct simTimer {
	struct simTimer *next;
	xsSlot self;     /* remembered while the timer lives: the handle scripts pass back */
	xsSlot callback; /* remembered */
	double trigger;  /* ms (clock.c) */
	double repeat;   /* ms; 0: one shot */
	uint8_t scheduled;
	uint8_t due;     /* due in the current pass */
	uint8_t firing;
	uint8_t cleared;
} simTimer;

static simTimer *gxTimers;

void xs_timer_destructor(void *data)
{
	(void)data; /* a handle is collected only after its timer was released */
}

static simTimer *timerOf(xsMachine *the, xsSlot *slot)
{
	simTimer *timer = xsmcGetHostDataValidate(*slot, (void *)xs_timer_destructor);
	if (!timer)
		xsTypeError("the timer was cleared");
	return timer;
}

/* Milliseconds as Moddable reads them (ToInt32), negative as 0. */
static double intervalArgument(xsMachine *the, int index)
{
	xsIntegerValue value;
	if (xsmcArgc <= index)
		return 0;
	value = xsmcToInteger(xsArg(index));
	return value < 0 ? 0 : (double)value;
}

/* A remembered slot links into the machine's roots through its own fields: copy the value only. */
static void keepSlot(xsMachine *the, xsSlot *where, xsSlot *value)
{
	*where = xsAccess(*value);
	xsRemember(*where);
}

static void unlinkTimer(simTimer *timer)
{
	simTimer **link = &gxTimers;
	while (*link && *link != timer)
		link = &(*link)->next;
	if (*link)
		*link = timer->next;
}

/* Ends a timer: its handle becomes inert; the record goes now, or after its callback returns. */
static void releaseTimer(xsMachine *the, simTimer *timer)
{
	if (timer->cleared)
		return;
	timer->cleared = 1;
	timer->scheduled = 0;
	xsmcSetHostData(timer->self, NULL);
	xsForget(timer->callback);
	xsForget(timer->self);
	if (!timer->firing) {
		unlinkTimer(timer);
		c_free(timer);
	}
}

static void createTimer(xsMachine *the, double initial, double repeat)
{
	simTimer *timer;
	if (xsmcArgc < 1 || !xsmcIsCallable(xsArg(0)))
		xsTypeError("the callback is not a function");
	xsResult = xsNewHostObject(xs_timer_destructor);
	timer = c_calloc(1, sizeof(simTimer));
	if (!timer)
		xsUnknownError("out of memory");
	keepSlot(the, &timer->self, &xsResult);
	keepSlot(the, &timer->callback, &xsArg(0));
	timer->trigger = simNowMilliseconds() + initial;
	timer->repeat = repeat;
	timer->scheduled = 1;
	xsmcSetHostBuffer(xsResult, timer, 0); /* an empty buffer: a view of the handle shows nothing */
	if (!gxTimers)
		gxTimers = timer;
	else {
		simTimer *last = gxTimers;
		while (last->next)
			last = last->next;
		last->next = timer;
	}
}

void xs_timer_set(xsMachine *the)
{
	double initial = intervalArgument(the, 1);
	double repeat = intervalArgument(the, 2);
	createTimer(the, initial, repeat);
}

void xs_timer_repeat(xsMachine *the)
{
	double interval = intervalArgument(the, 1);
	createTimer(the, interval, interval);
}

void xs_timer_schedule(xsMachine *the)
{
	simTimer *timer;
	double initial, repeat;
	if (xsmcArgc < 1)
		xsTypeError("missing timer");
	if (xsmcArgc == 1) {
		timer = timerOf(the, &xsArg(0));
		timer->scheduled = 0;
		timer->due = 0;
		return;
	}
	initial = intervalArgument(the, 1);
	repeat = intervalArgument(the, 2);
	timer = timerOf(the, &xsArg(0)); /* after the conversions: they may run a script that clears it */
	timer->trigger = simNowMilliseconds() + initial;
	timer->repeat = repeat;
	timer->scheduled = 1;
	timer->due = 0;
}

void xs_timer_clear(xsMachine *the)
{
	simTimer *volatile timer = NULL;
	if (xsmcArgc < 1 || xsmcTypeOf(xsArg(0)) != xsReferenceType)
		return;
	xsTry {
		timer = xsmcGetHostDataValidate(xsArg(0), (void *)xs_timer_destructor);
	}
	xsCatch {
		return; /* not a timer: ignored, as on a device */
	}
	if (timer)
		releaseTimer(the, timer);
}

void xs_timer_delay(xsMachine *the)
{
	simSleepMilliseconds(intervalArgument(the, 0));
}


double simTimersNextDelay(void)
{
	double now = simNowMilliseconds();
	double next = -1;
	simTimer *timer;
	for (timer = gxTimers; timer; timer = timer->next) {
		double delay;
		if (!timer->scheduled || timer->cleared)
			continue;
		delay = timer->trigger - now;
		if (delay < 0)
			delay = 0;
		if (next < 0 || delay < next)
			next = delay;
	}
	return next;
}

void simTimersMarkDue(void)
{
	double now = simNowMilliseconds();
	simTimer *timer;
	for (timer = gxTimers; timer; timer = timer->next) {
		if (timer->scheduled && !timer->cleared && timer->trigger <= now)
			timer->due = 1;
	}
}

int simTimersFireOne(xsMachine *the)
{
	simTimer *volatile timer;
	for (timer = gxTimers; timer; timer = timer->next) {
		if (timer->due && timer->scheduled && !timer->cleared)
			break;
	}
	if (!timer)
		return 0;
	timer->due = 0;
	timer->trigger += timer->repeat;
	timer->firing = 1;
	xsBeginHost(the);
	{
		xsmcVars(2);
		xsVar(0) = xsAccess(timer->callback);
		xsVar(1) = xsAccess(timer->self);
		xsTry {
			xsCallFunction1(xsVar(0), xsGlobal, xsVar(1));
		}
		xsCatch {
			fxAbort(the, xsUnhandledExceptionExit); /* reported with the machine's state restored */
		}
	}
	xsEndHost(the);
	timer->firing = 0;
	if (timer->cleared) {
		unlinkTimer(timer);
		c_free(timer);
	}
	else if (timer->scheduled && timer->repeat == 0)
		releaseTimer(the, timer);
	return 1;
}
