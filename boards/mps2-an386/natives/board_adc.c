/* The emulated board's ADC hardware under the boards' block input (boards/adc-block/ht_adc_board.h), in place of
 * the nRF52840's SAADC + TIMER + PPI + EasyDMA: it samples the recording in the "ecg.bin" Resource (layout in
 * modules/app/playback-input.ts) at the requested rate on the board's virtual clock, so the app's ADC front end
 * (modules/app/adc-input.ts, adc-block.ts, ht_adc_xs.c, ht_adc_ring.c) runs unchanged.
 *
 * As with EasyDMA, sampling costs the CPU nothing: main.c asks when the next block completes
 * (m4app_adc_next_ms), moves the virtual clock there, and calls m4app_adc_complete outside any counted region;
 * it fills the ring's FILLING block, queues it and wakes the JS thread (ht_adc_block_ready), as the DMA-end
 * interrupt does. Block j (from 1) completes at ceil(j * block * 1000 / rate) ms after the start. The run ends
 * when the recording cannot fill another block. One input: the first pin opened is the ECG, only it. */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "ht_adc_board.h"
#include "../platform/marks.h"

extern const void *mcGetResource(xsMachine *the, const char *path, size_t *size);
extern xsMachine *gThe;

enum { HEADER_BYTES = 32, MAGIC = 0x43455448 /* "HTEC" */, VERSION = 1 };

static const int16_t *gSamples;
static uint32_t gCount, gNext;
static ht_adc_ring *gRing;
static int16_t *gFilling;
static uint32_t gRate, gStartMs, gBlocks;
static int gRunning;

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static const char *open_recording(void)
{
	size_t size = 0;
	const uint8_t *blob = mcGetResource(gThe, "ecg.bin", &size);
	if (!blob || size < HEADER_BYTES)
		return "board adc: no ecg.bin recording to play";
	if (le32(blob) != MAGIC || le32(blob + 4) != VERSION)
		return "board adc: ecg.bin is not an HTEC version 1 recording";
	uint32_t count = le32(blob + 28);
	if (count == 0 || (size - HEADER_BYTES) / 2 != count || (size - HEADER_BYTES) % 2)
		return "board adc: ecg.bin's sample count disagrees with its size";
	gSamples = (const int16_t *)(blob + HEADER_BYTES);
	gCount = count;
	gNext = 0;
	return NULL;
}

const char *ht_adc_board_start(ht_adc_ring *ring, int32_t input, uint32_t rate, uint32_t bits, uint32_t *actualMilliHz)
{
	const char *error;
	(void)bits; /* the ring clamps to 0..2^bits - 1, as the SAADC's range does */
	if (gRunning)
		return "board adc: already sampling";
	if (input != 0)
		return "board adc: the ECG is on analog input 0 (config.adcPin)";
	if (rate == 0 || rate > 20000)
		return "board adc: rate out of range";
	if (!gSamples && (error = open_recording()))
		return error;
	gRing = ring;
	gFilling = ht_adc_ring_acquire(ring);
	if (!gFilling)
		return "board adc: the ring has no free block";
	gRate = rate;
	gStartMs = modMilliseconds();
	gBlocks = 0;
	gRunning = 1;
	*actualMilliHz = rate * 1000u;
	return NULL;
}

void ht_adc_board_stop(void)
{
	gRunning = 0;
	gRing = NULL;
	gFilling = NULL;
}

/* The "interrupt" only runs from main.c between counted regions, never inside a ring access. */
void ht_adc_board_lock(void) {}
void ht_adc_board_unlock(void) {}

uint32_t m4app_adc_next_ms(void)
{
	if (!gRunning)
		return UINT32_MAX;
	uint64_t samples = (uint64_t)(gBlocks + 1) * gRing->block;
	return gStartMs + (uint32_t)((samples * 1000u + gRate - 1) / gRate);
}

int m4app_adc_complete(void)
{
	uint32_t block, i;
	if (!gRunning)
		return 0;
	block = gRing->block;
	if (gCount - gNext < block) {
		m4app_input_done = 1;
		return 0;
	}
	for (i = 0; i < block; i++)
		gFilling[i] = gSamples[gNext++];
	gFilling = ht_adc_ring_complete(gRing, gFilling);
	gBlocks++;
	ht_adc_block_ready();
	if (gCount - gNext < block)
		m4app_input_done = 1;
	return 1;
}
