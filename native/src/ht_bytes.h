/* Little-endian loads and stores that work at any alignment and on any host byte order. */
#ifndef HT_BYTES_H
#define HT_BYTES_H

#include <stdint.h>

static inline uint16_t ht_ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t ht_ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline int32_t ht_ldi32(const uint8_t *p)
{
	return (int32_t)ht_ld32(p);
}

static inline void ht_st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
