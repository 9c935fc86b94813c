/* Bit unpacking against a bit-by-bit reader of the §4 definition, at every width, offset and length. */
#include <stdlib.h>
#include <string.h>

#include "ht_bits.h"
#include "test_util.h"

static int8_t naive_value(const uint8_t *stream, uint64_t i, uint32_t bits)
{
	uint32_t raw = 0;
	for (uint32_t b = 0; b < bits; b++) {
		uint64_t k = i * bits + b;
		raw |= (uint32_t)((stream[k / 8] >> (k % 8)) & 1u) << b;
	}
	int32_t v = (int32_t)raw;
	if (raw & (1u << (bits - 1)))
		v -= (int32_t)(1u << bits);
	return (int8_t)v;
}

static void test_hand_vectors(void)
{
	/* 4-bit: bytes 0x21 0xF8 -> 1, 2, -8, -1 */
	const uint8_t s4[2] = {0x21, 0xF8};
	int8_t out[4];
	ht_unpack_s8(s4, 0, 4, 4, out);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], 2);
	CHECK_EQ(out[2], -8);
	CHECK_EQ(out[3], -1);
	/* 6-bit: values 1, -1, 31, -32 -> bits 000001 111111 011111 100000 LSB first */
	const uint8_t s6[3] = {0xC1, 0xFF, 0x81};
	ht_unpack_s8(s6, 0, 4, 6, out);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], -1);
	CHECK_EQ(out[2], 31);
	CHECK_EQ(out[3], -32);
	ht_unpack_s8(s6, 3, 1, 6, out);
	CHECK_EQ(out[0], -32);
	const uint8_t s8[2] = {0x80, 0x7F};
	ht_unpack_s8(s8, 0, 2, 8, out);
	CHECK_EQ(out[0], -128);
	CHECK_EQ(out[1], 127);
	CHECK_EQ(ht_packed_bytes(5, 6), 4);
	CHECK_EQ(ht_packed_bytes(3, 4), 2);
	CHECK_EQ(ht_packed_bytes(0, 8), 0);
}

static void test_against_naive(void)
{
	uint8_t stream[64];
	uint32_t seed = 0x1234567u;
	for (size_t i = 0; i < sizeof stream; i++)
		stream[i] = (uint8_t)test_rand(&seed);
	static const uint32_t widths[3] = {4, 6, 8};
	for (int w = 0; w < 3; w++) {
		uint32_t bits = widths[w];
		uint32_t total = (uint32_t)(sizeof stream * 8 / bits);
		for (uint32_t first = 0; first < 20; first++) {
			for (uint32_t n = 0; first + n <= total && n < 40; n++) {
				/* Copy exactly the bytes the values occupy so ASan catches any read past them. */
				size_t end = (size_t)ht_packed_bytes(first + n, bits);
				uint8_t *exact = malloc(end ? end : 1);
				memcpy(exact, stream, end);
				int8_t out[40];
				ht_unpack_s8(exact, first, n, bits, out);
				int ok = 1;
				for (uint32_t j = 0; j < n; j++)
					ok &= out[j] == naive_value(stream, first + j, bits);
				CHECK(ok);
				free(exact);
			}
		}
	}
}

static void test_tail(void)
{
	uint8_t one[1] = {0xA5};
	int8_t out[2];
	ht_unpack_s8(one, 0, 1, 6, out); /* occupies bits 0..5 of the only byte */
	CHECK_EQ(out[0], naive_value(one, 0, 6));
	ht_unpack_s8(one, 1, 1, 4, out);
	CHECK_EQ(out[0], -6);
}

void test_bits(void)
{
	test_hand_vectors();
	test_against_naive();
	test_tail();
}
