/* The boards' ECG block input, the part every board shares (no XS, no vendor headers, no allocation): a ring of
 * fixed-size sample blocks between a producer that runs in an interrupt (the nRF52840's SAADC EasyDMA, the
 * ESP32's continuous-ADC callback) and the JS thread that takes them.
 *
 * Ownership: each slot is FREE, FILLING (the producer's: DMA or the ISR writes it) or READY (queued for the
 * consumer, oldest first). When the producer finishes a block and no slot is FREE (the JS thread is behind),
 * the finished block is dropped and handed straight back to the producer: an overrun. The samples it held are
 * counted and remembered as a gap in front of the next block that does get queued, so the consumer can keep
 * the sample clock (samples since start) exact. Nothing blocks and nothing is allocated.
 *
 * Concurrency: the producer calls ht_adc_ring_acquire/complete from its interrupt; the consumer calls
 * ht_adc_ring_take with that interrupt masked (the board layer's ht_adc_board_lock). */
#ifndef HT_ADC_RING_H
#define HT_ADC_RING_H

#include <stddef.h>
#include <stdint.h>

#define HT_ADC_MAX_SLOTS 8
#define HT_ADC_MAX_BLOCK 64

enum { HT_ADC_FREE = 0, HT_ADC_FILLING = 1, HT_ADC_READY = 2 };

typedef struct {
	int16_t *storage;              /* slots * block samples, slot i at storage + i * block */
	uint16_t block;                /* samples per block */
	uint8_t slots;
	uint8_t state[HT_ADC_MAX_SLOTS];
	uint32_t gap[HT_ADC_MAX_SLOTS]; /* samples lost just before slot i's block (READY slots) */
	uint8_t queue[HT_ADC_MAX_SLOTS]; /* READY slots, oldest first, from queueHead */
	uint8_t queueHead, queueCount;
	int32_t top;                   /* largest valid sample (2^bits - 1); values are clamped to 0..top */
	uint32_t pendingGap;           /* samples dropped since the last queued block */
	uint32_t lost;                 /* samples dropped since start (overruns x block) */
	uint32_t overruns;             /* blocks dropped since start */
	uint32_t queued;               /* blocks queued since start */
} ht_adc_ring;

/* 0, or -1 when the sizes are out of range (block 1..HT_ADC_MAX_BLOCK, slots 3..HT_ADC_MAX_SLOTS, storage too
 * small, bits 1..15). */
int ht_adc_ring_init(ht_adc_ring *ring, int16_t *storage, size_t storageSamples, uint32_t block, uint32_t slots, uint32_t bits);

/* Producer: a FREE slot, now FILLING; NULL when none is free. */
int16_t *ht_adc_ring_acquire(ht_adc_ring *ring);

/* Producer: the FILLING block `filled` is complete. Queues it and returns the next block to fill (a FREE slot,
 * now FILLING); when no slot is free, drops `filled` (an overrun, counted) and returns it to be filled again.
 * NULL only if `filled` is not one of the ring's FILLING blocks. */
int16_t *ht_adc_ring_complete(ht_adc_ring *ring, int16_t *filled);

/* Consumer: 0 when nothing is queued; -n when n samples were lost before the oldest queued block (reported
 * once, before that block); else copies the oldest block into dest (clamped to 0..top), frees its slot and
 * returns its length. INT32_MIN when dest holds fewer than `block` samples (nothing taken). */
int32_t ht_adc_ring_take(ht_adc_ring *ring, int16_t *dest, size_t destSamples);

#endif
