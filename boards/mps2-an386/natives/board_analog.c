/* The emulated board's ADC (pins/analog's natives, in place of Moddable's nrf52 SAADC driver): each read
 * returns the next sample of the recording in the "ecg.bin" Resource (layout in modules/app/playback-input.ts),
 * so the app's ADC front end (modules/app/adc-input.ts) runs unchanged. One input: the first pin read is the
 * ECG channel, any other pin throws. After the last sample the board ends the run (main.c). */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "../platform/marks.h"

extern const void *mcGetResource(xsMachine *the, const char *path, size_t *size);

enum { HEADER_BYTES = 32, MAGIC = 0x43455448 /* "HTEC" */, VERSION = 1 };

static const int16_t *gSamples;
static uint32_t gCount, gNext;
static int gPin = -1;

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void open_recording(xsMachine *the)
{
	size_t size = 0;
	const uint8_t *blob = mcGetResource(the, "ecg.bin", &size);
	if (!blob || size < HEADER_BYTES)
		xsUnknownError("board adc: no ecg.bin recording to play");
	if (le32(blob) != MAGIC || le32(blob + 4) != VERSION)
		xsUnknownError("board adc: ecg.bin is not an HTEC version 1 recording");
	uint32_t count = le32(blob + 28);
	if (count == 0 || (size - HEADER_BYTES) / 2 != count || (size - HEADER_BYTES) % 2)
		xsUnknownError("board adc: ecg.bin's sample count disagrees with its size");
	gSamples = (const int16_t *)(blob + HEADER_BYTES);
	gCount = count;
	gNext = 0;
}

void xs_analog_static_read(xsMachine *the)
{
	int pin = xsmcToInteger(xsArg(0));
	if (!gSamples) {
		open_recording(the);
		gPin = pin;
	}
	if (pin != gPin)
		xsRangeError("board adc: no analog input on pin %d (the ECG is on pin %d)", pin, gPin);
	if (gNext >= gCount)
		xsUnknownError("board adc: read past the end of the recording");
	xsmcSetInteger(xsResult, gSamples[gNext++]);
	if (gNext == gCount)
		m4app_input_done = 1;
}

void xs_analog_destructor(void *data)
{
	(void)data;
}

void xs_analog(xsMachine *the)
{
	xsUnknownError("board adc: only the static Analog.read(pin) is emulated");
}

void xs_analog_close(xsMachine *the)
{
}

void xs_analog_read(xsMachine *the)
{
	xsUnknownError("board adc: only the static Analog.read(pin) is emulated");
}
