#include "ht_bits.h"

#include <string.h>

static int8_t sign_extend(uint32_t raw, uint32_t bits)
{
	uint32_t sign = 1u << (bits - 1u);
	return (int8_t)((int32_t)(raw ^ sign) - (int32_t)sign);
}

static void unpack4(const uint8_t *stream, uint64_t first, uint32_t n, int8_t *dst)
{
	const uint8_t *p = stream + first / 2u;
	uint32_t j = 0;
	if ((first & 1u) && n > 0) {
		dst[j++] = sign_extend(*p++ >> 4, 4);
	}
	for (; j + 2u <= n; j += 2u, p++) {
		dst[j] = sign_extend(*p & 0xFu, 4);
		dst[j + 1u] = sign_extend(*p >> 4, 4);
	}
	if (j < n)
		dst[j] = sign_extend(*p & 0xFu, 4);
}

/* Any width 1..8: a value spans at most two bytes; the second is read only when the value reaches it. */
static void unpack_generic(const uint8_t *stream, uint64_t first, uint32_t n, uint32_t bits, int8_t *dst)
{
	uint64_t pos = first * bits;
	uint32_t mask = (1u << bits) - 1u;
	for (uint32_t j = 0; j < n; j++, pos += bits) {
		const uint8_t *p = stream + (pos >> 3);
		uint32_t sh = (uint32_t)(pos & 7u);
		uint32_t raw = (uint32_t)p[0] >> sh;
		if (sh + bits > 8u)
			raw |= (uint32_t)p[1] << (8u - sh);
		dst[j] = sign_extend(raw & mask, bits);
	}
}

/* Four 6-bit values in every three bytes, once the first value starts on a byte boundary. */
static void unpack6(const uint8_t *stream, uint64_t first, uint32_t n, int8_t *dst)
{
	uint32_t lead = (uint32_t)((4u - (first & 3u)) & 3u);
	if (lead > n)
		lead = n;
	unpack_generic(stream, first, lead, 6, dst);
	const uint8_t *p = stream + (first + lead) / 4u * 3u;
	uint32_t j = lead;
	for (; j + 4u <= n; j += 4u, p += 3) {
		dst[j] = sign_extend(p[0] & 0x3Fu, 6);
		dst[j + 1u] = sign_extend((uint32_t)(p[0] >> 6) | ((uint32_t)(p[1] & 0x0Fu) << 2), 6);
		dst[j + 2u] = sign_extend((uint32_t)(p[1] >> 4) | ((uint32_t)(p[2] & 0x03u) << 4), 6);
		dst[j + 3u] = sign_extend((uint32_t)p[2] >> 2, 6);
	}
	unpack_generic(stream, first + j, n - j, 6, dst + j);
}

void ht_unpack_s8(const uint8_t *stream, uint64_t first, uint32_t n, uint32_t bits, int8_t *dst)
{
	if (bits == 8)
		memcpy(dst, stream + first, n);
	else if (bits == 4)
		unpack4(stream, first, n, dst);
	else if (bits == 6)
		unpack6(stream, first, n, dst);
	else
		unpack_generic(stream, first, n, bits, dst);
}
