/* Monotonic time since the process started: the simulator's "boot" (Time.ticks, Time.microseconds, timers). */
#include "sim.h"
#include <errno.h>

static double monotonicMicroseconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec * 1e6 + (double)now.tv_nsec / 1e3;
}

static double gxBoot = -1;

double simNowMicroseconds(void)
{
	double now = monotonicMicroseconds();
	if (gxBoot < 0)
		gxBoot = now;
	return c_floor(now - gxBoot);
}

double simNowMilliseconds(void)
{
	return c_floor(simNowMicroseconds() / 1000.0);
}

void simSleepMilliseconds(double ms)
{
	struct timespec delay;
	if (ms <= 0)
		return;
	delay.tv_sec = (time_t)(ms / 1000.0);
	delay.tv_nsec = (long)((ms - (double)delay.tv_sec * 1000.0) * 1e6);
	while (nanosleep(&delay, &delay) && errno == EINTR)
		;
}
