/* The boards' ECG block input, thin xsmc binding (the TypeScript face is adc-block.ts; the app's reader is
 * modules/app/adc-input.ts). One analog input per device, so the state is static: the ring, its storage, the
 * JS callback. The board's interrupt queues blocks (ht_adc_board.h) and wakes the XS machine with
 * modMessagePostToMachineFromISR, once until the JS side runs, as Moddable's own nrf52/esp32 pin monitors
 * do; the callback then takes every queued block with xs_ht_adc_take. Every argument from JS is checked. */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "ht_adc_board.h"

#define HT_ADC_SLOTS 6

static ht_adc_ring gRing;
static int16_t gStorage[HT_ADC_SLOTS * HT_ADC_MAX_BLOCK];
static xsMachine *gMachine;
static xsSlot gCallback;
static volatile uint8_t gPosted;
static uint8_t gOpen;
static uint32_t gMilliHz;

static void deliver(void *the, void *refcon, uint8_t *message, uint16_t messageLength)
{
	(void)refcon;
	(void)message;
	(void)messageLength;
	gPosted = 0; /* allow another wake-up before the callback runs: a block queued meanwhile is not missed */
	if (!gOpen)
		return;
	xsBeginHost(the);
	xsCallFunction0(gCallback, xsGlobal);
	xsEndHost(the);
}

void ht_adc_block_ready(void)
{
	if (gOpen && !gPosted) {
		gPosted = 1;
		modMessagePostToMachineFromISR(gMachine, deliver, NULL);
	}
}

static int32_t intArgument(xsMachine *the, int index, const char *name, int32_t min, int32_t max)
{
	double v;
	if (xsmcTypeOf(xsArg(index)) != xsIntegerType && xsmcTypeOf(xsArg(index)) != xsNumberType)
		xsTypeError("adc: %s must be a number", name);
	v = xsmcToNumber(xsArg(index));
	if (!(v >= min && v <= max) || v != (double)(int32_t)v)
		xsRangeError("adc: %s must be an integer in %d..%d", name, (int)min, (int)max);
	return (int32_t)v;
}

/* open(input, rate, bits, blockSamples, onBlocks): starts sampling; onBlocks() runs when blocks are queued. */
void xs_ht_adc_open(xsMachine *the)
{
	int32_t input, rate, bits, block;
	const char *error;
	if (xsmcArgc < 5)
		xsTypeError("adc: open(input, rate, bits, blockSamples, onBlocks) takes 5 arguments");
	input = intArgument(the, 0, "input", 0, 255);
	rate = intArgument(the, 1, "rate", 1, 20000);
	bits = intArgument(the, 2, "bits", 8, 14);
	block = intArgument(the, 3, "blockSamples", 1, HT_ADC_MAX_BLOCK);
	if (xsmcTypeOf(xsArg(4)) != xsReferenceType || !xsmcIsInstanceOf(xsArg(4), xsFunctionPrototype))
		xsTypeError("adc: onBlocks must be a function");
	if (gOpen)
		xsUnknownError("adc: the ECG input is already open");
	if (ht_adc_ring_init(&gRing, gStorage, sizeof(gStorage) / sizeof(gStorage[0]), (uint32_t)block, HT_ADC_SLOTS, (uint32_t)bits) != 0)
		xsRangeError("adc: %d samples per block do not fit the ring", (int)block);
	gMachine = the;
	gCallback = xsArg(4);
	xsRemember(gCallback);
	gPosted = 0;
	gOpen = 1;
	error = ht_adc_board_start(&gRing, input, (uint32_t)rate, (uint32_t)bits, &gMilliHz);
	if (error) {
		gOpen = 0;
		xsForget(gCallback);
		xsUnknownError("adc: %s", error);
	}
}

/* take(buffer: ArrayBuffer): 0 nothing queued; -n: n samples were lost (overrun) before the next block; else
 * the oldest block's length, its samples written as int16 at the buffer's start. */
void xs_ht_adc_take(xsMachine *the)
{
	void *data;
	xsUnsignedValue bytes;
	int32_t n;
	if (!gOpen)
		xsUnknownError("adc: the ECG input is not open");
	if (xsmcArgc < 1)
		xsTypeError("adc: take(buffer) takes an ArrayBuffer");
	xsmcGetBufferWritable(xsArg(0), &data, &bytes);
	if ((uintptr_t)data & 1)
		xsRangeError("adc: the buffer is not 2-byte aligned");
	ht_adc_board_lock();
	n = ht_adc_ring_take(&gRing, (int16_t *)data, bytes / 2);
	ht_adc_board_unlock();
	if (n == INT32_MIN)
		xsRangeError("adc: the buffer holds %u samples, a block is %u", (unsigned)(bytes / 2), (unsigned)gRing.block);
	xsmcSetInteger(xsResult, n);
}

/* Samples dropped since open because the JS side was too slow to take their blocks. */
void xs_ht_adc_lost(xsMachine *the)
{
	uint32_t lost;
	ht_adc_board_lock();
	lost = gOpen ? gRing.lost : 0;
	ht_adc_board_unlock();
	xsmcSetNumber(xsResult, (double)lost);
}

/* The rate the hardware really samples at, in mHz (0 when not open). */
void xs_ht_adc_rate(xsMachine *the)
{
	xsmcSetNumber(xsResult, gOpen ? (double)gMilliHz : 0);
}

void xs_ht_adc_close(xsMachine *the)
{
	if (!gOpen)
		return;
	ht_adc_board_stop();
	gOpen = 0;
	xsForget(gCallback);
}
