/* The boards' ECG block ring (see ht_adc_ring.h). */
#include "ht_adc_ring.h"

int ht_adc_ring_init(ht_adc_ring *ring, int16_t *storage, size_t storageSamples, uint32_t block, uint32_t slots, uint32_t bits)
{
	uint32_t i;
	if (!ring || !storage || block < 1 || block > HT_ADC_MAX_BLOCK || slots < 3 || slots > HT_ADC_MAX_SLOTS || bits < 1 || bits > 15)
		return -1;
	if ((size_t)block * slots > storageSamples)
		return -1;
	ring->storage = storage;
	ring->block = (uint16_t)block;
	ring->slots = (uint8_t)slots;
	for (i = 0; i < HT_ADC_MAX_SLOTS; i++) {
		ring->state[i] = HT_ADC_FREE;
		ring->gap[i] = 0;
		ring->queue[i] = 0;
	}
	ring->queueHead = 0;
	ring->queueCount = 0;
	ring->top = (int32_t)((1u << bits) - 1);
	ring->pendingGap = 0;
	ring->lost = 0;
	ring->overruns = 0;
	ring->queued = 0;
	return 0;
}

static int16_t *slot_data(ht_adc_ring *ring, uint32_t i)
{
	return ring->storage + (size_t)i * ring->block;
}

int16_t *ht_adc_ring_acquire(ht_adc_ring *ring)
{
	uint32_t i;
	for (i = 0; i < ring->slots; i++) {
		if (ring->state[i] == HT_ADC_FREE) {
			ring->state[i] = HT_ADC_FILLING;
			return slot_data(ring, i);
		}
	}
	return NULL;
}

int16_t *ht_adc_ring_complete(ht_adc_ring *ring, int16_t *filled)
{
	uint32_t i, slot = ring->slots;
	int16_t *next;
	for (i = 0; i < ring->slots; i++) {
		if (slot_data(ring, i) == filled) {
			slot = i;
			break;
		}
	}
	if (slot == ring->slots || ring->state[slot] != HT_ADC_FILLING)
		return NULL;
	next = ht_adc_ring_acquire(ring);
	if (!next) {
		/* The consumer is behind: drop this block, fill the same slot again. */
		ring->overruns++;
		ring->lost += ring->block;
		ring->pendingGap += ring->block;
		return filled;
	}
	ring->state[slot] = HT_ADC_READY;
	ring->gap[slot] = ring->pendingGap;
	ring->pendingGap = 0;
	ring->queue[(ring->queueHead + ring->queueCount) % ring->slots] = (uint8_t)slot;
	ring->queueCount++;
	ring->queued++;
	return next;
}

int32_t ht_adc_ring_take(ht_adc_ring *ring, int16_t *dest, size_t destSamples)
{
	uint32_t slot, i;
	const int16_t *from;
	if (!dest || destSamples < ring->block)
		return INT32_MIN;
	if (ring->queueCount == 0)
		return 0;
	slot = ring->queue[ring->queueHead];
	if (ring->gap[slot]) {
		int32_t gap = (int32_t)(ring->gap[slot] > 0x7fffffffu ? 0x7fffffffu : ring->gap[slot]);
		ring->gap[slot] = 0;
		return -gap;
	}
	from = slot_data(ring, slot);
	for (i = 0; i < ring->block; i++) {
		int32_t v = from[i];
		dest[i] = (int16_t)(v < 0 ? 0 : v > ring->top ? ring->top : v);
	}
	ring->state[slot] = HT_ADC_FREE;
	ring->queueHead = (uint8_t)((ring->queueHead + 1) % ring->slots);
	ring->queueCount--;
	return ring->block;
}
