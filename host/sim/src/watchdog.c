/* --timeout: a hard deadline that also stops a script stuck in a loop (XS cannot be interrupted otherwise).
 * trace() writes unbuffered, so exiting from the signal handler loses no output. */
#include "sim.h"
#include <signal.h>
#include <sys/time.h>

static char gxMessage[64];
static int gxMessageLength;

static void onDeadline(int signal)
{
	(void)signal;
	(void)!write(2, gxMessage, (size_t)gxMessageLength);
	_exit(SIM_EXIT_TIMEOUT);
}

void simStartWatchdog(long timeout_ms)
{
	struct itimerval timer;
	if (timeout_ms <= 0)
		return;
	gxMessageLength = snprintf(gxMessage, sizeof(gxMessage), "hypertiny-sim: timeout after %ld ms\n", timeout_ms);
	memset(&timer, 0, sizeof(timer));
	timer.it_value.tv_sec = timeout_ms / 1000;
	timer.it_value.tv_usec = (timeout_ms % 1000) * 1000;
	signal(SIGALRM, onDeadline);
	setitimer(ITIMER_REAL, &timer, NULL);
}
