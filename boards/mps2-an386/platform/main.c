/* Adapted from the Moddable SDK's xs/platforms/nrf52 xsmain.c (Copyright (c) 2016-2024 Moddable Tech, Inc.,
 * LGPL-3.0-or-later, see host/sim/LICENSE-XS-LGPL-3.0.txt) by way of ../shared/m4kit/xs/platform/main.c.
 *
 * The board's main loop without an RTOS: boot the XS machine, run the app's main module, then serve timers and
 * messages until the ADC playback runs out. Every phase is one counted region, in this order:
 *   "@region boot-vm"   modCloneMachine (XS heap, preloaded archive)
 *   "@region boot-app"  modRunMachineSetup (the app's main module: model load, synthesis, BLE, input start)
 *   "@region msg N"     one message delivered (BLE events, promise jobs) before tick N
 *   "@region tick N"    the timers due at tick N (the ADC timer: one sample, a block every 25th)
 * The run ends after the ADC's last sample, or after argv[1] ticks when that is not 0 (semihosting command line).
 * The virtual millisecond clock moves only when the loop would sleep, so a run repeats exactly. */
#include "xsAll.h"
#include "xs.h"
#include "xsHosts.h"
#include "xsHost.h"
#include "modTimer.h"
#include "mc.xs.h"
#include "marks.h"

extern int modMessagePending(void);
extern int modMessageServiceOne(xsMachine *the);
xsMachine *gThe = NULL;
uint32_t m4app_tick = 0;
int m4app_input_done = 0;

enum { MAX_IDLE_MS = 60 * 60 * 1000 };

int main(int argc, char **argv)
{
	uint32_t maxTicks = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
	printf("@region boot-vm 0\n");
	m4app_region_begin();
	gThe = modCloneMachine(NULL, NULL);
	m4app_region_end();
	if (!gThe) {
		printf("@error modCloneMachine failed\n");
		return 2;
	}
	printf("@region boot-app 0\n");
	m4app_region_begin();
	modRunMachineSetup(gThe);
	m4app_region_end();
	while (!m4app_input_done && (!maxTicks || m4app_tick < maxTicks)) {
		while (modMessagePending()) {
			printf("@region msg %u\n", (unsigned)m4app_tick);
			m4app_region_begin();
			modMessageServiceOne(gThe);
			m4app_region_end();
		}
		int next = modTimersNext();
		if (next >= MAX_IDLE_MS) {
			printf("@error idle: no timer and no message before the input ended\n");
			break;
		}
		if (next > 0)
			modMessageService(gThe, next); /* nothing queued: moves the virtual clock to the next timer */
		m4app_tick++;
		printf("@region tick %u\n", (unsigned)m4app_tick);
		m4app_region_begin();
		modTimersExecute();
		m4app_region_end();
	}
	printf("@end ms %u ticks %u\n", (unsigned)modMilliseconds(), (unsigned)m4app_tick);
	m4app_ble_dump();
	fflush(stdout);
	return m4app_input_done || m4app_tick == maxTicks ? 0 : 3;
}
