/* boards/adc-block/ht_adc_ring.c on the host: the double-buffered producer (as the SAADC's EasyDMA drives it)
 * against a consumer that falls behind. Built and run by test/adc-ring.test.ts; prints one line per check and
 * exits non-zero at the first failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ht_adc_ring.h"

static int checks;
#define CHECK(cond, what) do { checks++; if (!(cond)) { printf("FAIL %s (line %d)\n", what, __LINE__); exit(1); } printf("ok %s\n", what); } while (0)

enum { BLOCK = 4, SLOTS = 5 };
static int16_t storage[BLOCK * SLOTS];
static int16_t next_value;

/* The hardware fills a block with consecutive values, as a ramp. */
static void fill(int16_t *block)
{
	for (int i = 0; i < BLOCK; i++)
		block[i] = next_value++;
}

int main(void)
{
	ht_adc_ring ring;
	int16_t dest[BLOCK], small[BLOCK - 1];
	int16_t *dma[2], *done;
	int i;

	CHECK(ht_adc_ring_init(&ring, storage, BLOCK * SLOTS, 0, SLOTS, 12) == -1, "a 0-sample block is refused");
	CHECK(ht_adc_ring_init(&ring, storage, BLOCK * SLOTS, HT_ADC_MAX_BLOCK + 1, SLOTS, 12) == -1, "a block over HT_ADC_MAX_BLOCK is refused");
	CHECK(ht_adc_ring_init(&ring, storage, BLOCK * SLOTS, BLOCK, 2, 12) == -1, "two slots (no room for a queued block) are refused");
	CHECK(ht_adc_ring_init(&ring, storage, BLOCK * SLOTS - 1, BLOCK, SLOTS, 12) == -1, "storage smaller than slots x block is refused");
	CHECK(ht_adc_ring_init(&ring, storage, BLOCK * SLOTS, BLOCK, SLOTS, 16) == -1, "16 bits are refused (int16 storage)");
	CHECK(ht_adc_ring_init(&ring, storage, BLOCK * SLOTS, BLOCK, SLOTS, 12) == 0, "init");
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == 0, "nothing queued yet");

	/* Double buffering: two blocks armed. */
	dma[0] = ht_adc_ring_acquire(&ring);
	dma[1] = ht_adc_ring_acquire(&ring);
	CHECK(dma[0] && dma[1] && dma[0] != dma[1], "two distinct blocks armed");
	CHECK(ht_adc_ring_complete(&ring, dest) == NULL, "completing a block that is not the ring's is refused");

	/* Blocks complete in order; the driver arms what complete() returns. */
	fill(dma[0]);
	done = dma[0];
	dma[0] = dma[1];
	dma[1] = ht_adc_ring_complete(&ring, done);
	CHECK(dma[1] && dma[1] != done && dma[1] != dma[0], "a free block is armed next");
	CHECK(ht_adc_ring_take(&ring, small, BLOCK - 1) == INT32_MIN, "a destination shorter than a block is refused");
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == BLOCK, "the first block is taken");
	CHECK(dest[0] == 0 && dest[BLOCK - 1] == BLOCK - 1, "with its samples in order");
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == 0, "then nothing");

	/* The consumer stops taking: SLOTS - 2 blocks can wait, the next ones are dropped. */
	for (i = 0; i < SLOTS; i++) {
		fill(dma[0]);
		done = dma[0];
		dma[0] = dma[1];
		dma[1] = ht_adc_ring_complete(&ring, done);
		CHECK(dma[1] != NULL, "the producer always gets a block to fill");
	}
	/* blocks 1..3 queued (values 4..15), blocks 4 and 5 (16..23) dropped */
	CHECK(ring.queued == 4 && ring.overruns == 2 && ring.lost == 2 * BLOCK, "three blocks wait, two were dropped and counted");
	for (i = 1; i <= SLOTS - 2; i++) {
		CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == BLOCK, "a waiting block is taken");
		CHECK(dest[0] == i * BLOCK, "in order");
	}
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == 0, "nothing waits after them");

	/* The producer goes on: the first block it queues carries the gap in front of it. */
	fill(dma[0]);
	done = dma[0];
	dma[0] = dma[1];
	dma[1] = ht_adc_ring_complete(&ring, done);
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == -2 * BLOCK, "the dropped samples are reported as a gap first");
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == BLOCK && dest[0] == 6 * BLOCK, "then the block after them, its samples intact");
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == 0, "and no second gap");

	/* Values outside the ADC's range (the SAADC reads slightly below 0 single-ended) are clamped to 0..top. */
	dma[0][0] = -3;
	dma[0][1] = 4095;
	dma[0][2] = 4096;
	dma[0][3] = 32767;
	done = dma[0];
	dma[0] = dma[1];
	dma[1] = ht_adc_ring_complete(&ring, done);
	CHECK(ht_adc_ring_take(&ring, dest, BLOCK) == BLOCK, "a block with out-of-range values");
	CHECK(dest[0] == 0 && dest[1] == 4095 && dest[2] == 4095 && dest[3] == 4095, "is clamped to 0..4095 at 12 bits");
	printf("%d checks passed\n", checks);
	return 0;
}
