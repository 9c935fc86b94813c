/* Adapted from the Moddable SDK's xs/platforms/nrf52 xsmain.c (Copyright (c) 2016-2024 Moddable Tech, Inc.,
 * LGPL-3.0-or-later, see host/sim/LICENSE-XS-LGPL-3.0.txt) by way of ../shared/m4kit/xs/platform/main.c.
 *
 * The board's main loop without an RTOS: boot the XS machine, run the app's main module, then serve messages,
 * timers and the emulated ADC's blocks (natives/board_adc.c: sampling costs the CPU nothing, as with the SAADC's
 * EasyDMA; a completed block wakes the JS thread) until the recording runs out. Every phase is one counted
 * region, in this order:
 *   "@region boot-vm"   modCloneMachine (XS heap, preloaded archive)
 *   "@region boot-app"  modRunMachineSetup (the app's main module: model load, synthesis, BLE, input start)
 *   "@region msg N"     one message delivered (BLE events, promise jobs) after block N
 *   "@region block N"   ADC block N delivered: every message it wakes, to the last (the app's whole work on its
 *                       samples: the ECG pipeline, beats, inference, BLE notifications)
 *   "@region timer N"   the timers due after block N
 * The run ends after the ADC's last block, or after argv[1] blocks when that is not 0 (semihosting command line).
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
		uint32_t now = modMilliseconds();
		int next = modTimersNext();
		uint32_t adc = m4app_adc_next_ms();
		if (adc != UINT32_MAX && (int32_t)(adc - now) <= next) {
			if ((int32_t)(adc - now) > 0)
				modMessageService(gThe, (int)(adc - now)); /* nothing queued: moves the virtual clock */
			if (!m4app_adc_complete())
				break;
			m4app_tick++;
			printf("@region block %u\n", (unsigned)m4app_tick);
			m4app_region_begin();
			while (modMessagePending())
				modMessageServiceOne(gThe);
			m4app_region_end();
			continue;
		}
		if (next >= MAX_IDLE_MS) {
			printf("@error idle: no timer, no message and no ADC block before the input ended\n");
			break;
		}
		if (next > 0)
			modMessageService(gThe, next);
		printf("@region timer %u\n", (unsigned)m4app_tick);
		m4app_region_begin();
		modTimersExecute();
		m4app_region_end();
	}
	printf("@end ms %u ticks %u\n", (unsigned)modMilliseconds(), (unsigned)m4app_tick);
	m4app_ble_dump();
	fflush(stdout);
	return m4app_input_done || m4app_tick == maxTicks ? 0 : 3;
}
