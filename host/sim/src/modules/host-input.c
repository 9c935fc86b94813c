/* Live input from the Node side to the simulated device (the companion's control writes, relayed by
 * host/app/sim-app.ts on the simulator's stdin as frames of host/companion/frames.ts): reads what stdin holds
 * now, never waits. Simulator only; modules/ble/trace-transport.ts calls it between input blocks. */
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include "xsAll.h"
#include "xsmc.h"

/* xs_sim_host_input(buffer: ArrayBuffer): bytes read into the buffer's start, 0 when none are waiting, -1 at
 * the end of stdin (closed, or not a pipe the host writes). */
void xs_sim_host_input(xsMachine *the)
{
	void *data;
	xsUnsignedValue size;
	struct pollfd fd = { 0, POLLIN, 0 };
	ssize_t n;
	xsmcGetBufferWritable(xsArg(0), &data, &size);
	if (size == 0)
		xsRangeError("host input: empty buffer");
	if (poll(&fd, 1, 0) <= 0) {
		xsmcSetInteger(xsResult, 0);
		return;
	}
	n = read(0, data, size);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		n = 0;
	else if (n <= 0)
		n = -1;
	xsmcSetInteger(xsResult, (xsIntegerValue)n);
}
