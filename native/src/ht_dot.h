/* Dot products with an input offset, Σ w[i]·(x[i] + off), the inner loops of conv1d, pwconv and fc.
 * On cores with the DSP extension (Cortex-M4/M7/M33) four int8 pairs go through two SXTAB16/SXTB16 and two
 * SMLAD; elsewhere plain C. Both wrap modulo 2^32, so they agree bit for bit with the reference. */
#ifndef HT_DOT_H
#define HT_DOT_H

#include <stdint.h>
#include <string.h>

/* GCC cannot allocate the registers of the DSP asm blocks at -O0 or -Os (Moddable's nRF52 debug builds use -Os):
 * those builds use the portable kernels, which give the same bits. -DHT_PORTABLE forces them (the M4 bench counts
 * both). */
#if !defined(HT_PORTABLE) && defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__ARM_FEATURE_SIMD32) && \
	defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__)
#define HT_DOT_DSP 1
#include <arm_acle.h>
#else
#define HT_DOT_DSP 0
#endif

/* Host builds with AVX2 (htbatch, -march=native): 16 int8 pairs per step, widened to int16 and summed in
 * pairs by VPMADDWD; every partial sum is exact and int32 lanes wrap like the scalar loop, so results are
 * bit-identical to it. */
#if !HT_DOT_DSP && !defined(HT_PORTABLE) && defined(__AVX2__)
#define HT_DOT_AVX2 1
#include <immintrin.h>
static inline __m256i ht_avx_ld16(const int8_t *p)
{
	return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
}

static inline uint32_t ht_avx_hsum(__m256i v)
{
	__m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
	return (uint32_t)_mm_cvtsi128_si32(s);
}
#else
#define HT_DOT_AVX2 0
#endif

#if HT_DOT_DSP
static inline uint32_t ht_ld4(const int8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4); /* one LDR: the M4 handles unaligned word loads (builtin: Moddable's -fno-builtin would make memcpy a call) */
	return v;
}

/* Two int16 lanes holding off (−255..255 after adding an int8). */
static inline int16x2_t ht_pair(int32_t off)
{
	return (int16x2_t)(((uint32_t)off & 0xFFFFu) | ((uint32_t)off << 16));
}

/* Bytes 0,2 and bytes 1,3 of a word as int16 lanes (plus offset lanes). GCC does not fold the rotate of
 * the odd bytes into SXTB16/SXTAB16's own rotate operand, so the two instructions are spelled out. */
static inline int16x2_t ht_sxtb16_ror8(uint32_t v)
{
	int16x2_t r;
	__asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
	return r;
}

static inline int16x2_t ht_sxtab16_ror8(int16x2_t offp, uint32_t v)
{
	int16x2_t r;
	__asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(offp), "r"(v));
	return r;
}

#define HT_EXT_OFF(offp, v, even, odd)                                                                    \
	do {                                                                                                  \
		(even) = __sxtab16((offp), (int8x4_t)(v));                                                        \
		(odd) = ht_sxtab16_ror8((offp), (v));                                                             \
	} while (0)
#define HT_EXT(v, even, odd)                                                                              \
	do {                                                                                                  \
		(even) = __sxtb16((int8x4_t)(v));                                                                 \
		(odd) = ht_sxtb16_ror8(v);                                                                        \
	} while (0)
#endif

static inline int32_t ht_dot_off(const int8_t *w, const int8_t *x, uint32_t n, int32_t off)
{
	uint32_t i = 0;
	int32_t acc = 0;
#if HT_DOT_DSP
	const int16x2_t offp = ht_pair(off);
	for (; i + 4u <= n; i += 4u) {
		int16x2_t x02, x13, w02, w13;
		uint32_t xv = ht_ld4(x + i), wv = ht_ld4(w + i);
		HT_EXT_OFF(offp, xv, x02, x13);
		HT_EXT(wv, w02, w13);
		acc = __smlad(w02, x02, acc);
		acc = __smlad(w13, x13, acc);
	}
#endif
	uint32_t sum = (uint32_t)acc;
#if HT_DOT_AVX2
	{
		const __m256i o = _mm256_set1_epi16((int16_t)off);
		__m256i va = _mm256_setzero_si256();
		for (; i + 16u <= n; i += 16u)
			va = _mm256_add_epi32(va, _mm256_madd_epi16(ht_avx_ld16(w + i), _mm256_add_epi16(ht_avx_ld16(x + i), o)));
		sum += ht_avx_hsum(va);
	}
#endif
	for (; i < n; i++)
		sum += (uint32_t)(w[i] * (x[i] + off));
	return (int32_t)sum;
}

/* Two weight rows against one input row. */
static inline void ht_dot2_off(const int8_t *w0, const int8_t *w1, const int8_t *x, uint32_t n, int32_t off,
                               int32_t *s0, int32_t *s1)
{
	uint32_t i = 0;
	int32_t a = 0, b = 0;
#if HT_DOT_DSP
	const int16x2_t offp = ht_pair(off);
	for (; i + 4u <= n; i += 4u) {
		int16x2_t x02, x13, w02, w13;
		uint32_t xv = ht_ld4(x + i);
		HT_EXT_OFF(offp, xv, x02, x13);
		uint32_t wv = ht_ld4(w0 + i);
		HT_EXT(wv, w02, w13);
		a = __smlad(w02, x02, a);
		a = __smlad(w13, x13, a);
		wv = ht_ld4(w1 + i);
		HT_EXT(wv, w02, w13);
		b = __smlad(w02, x02, b);
		b = __smlad(w13, x13, b);
	}
#endif
	uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
#if HT_DOT_AVX2
	{
		const __m256i o = _mm256_set1_epi16((int16_t)off);
		__m256i va = _mm256_setzero_si256(), vb = _mm256_setzero_si256();
		for (; i + 16u <= n; i += 16u) {
			const __m256i xv = _mm256_add_epi16(ht_avx_ld16(x + i), o);
			va = _mm256_add_epi32(va, _mm256_madd_epi16(ht_avx_ld16(w0 + i), xv));
			vb = _mm256_add_epi32(vb, _mm256_madd_epi16(ht_avx_ld16(w1 + i), xv));
		}
		ua += ht_avx_hsum(va);
		ub += ht_avx_hsum(vb);
	}
#endif
	for (; i < n; i++) {
		int32_t xi = x[i] + off;
		ua += (uint32_t)(w0[i] * xi);
		ub += (uint32_t)(w1[i] * xi);
	}
	*s0 = (int32_t)ua;
	*s1 = (int32_t)ub;
}

/* Two weight rows against two input rows, rows `stride` bytes apart in both (no input offset: pwconv
 * folds it into the bias). s[0] = w0·x0, s[1] = w1·x0, s[2] = w0·x1, s[3] = w1·x1, w1 = w + stride,
 * x1 = x + stride. Exactly 14 values live in the DSP loop, so nothing spills on Thumb-2. */
static inline void ht_dot2x2(const int8_t *w, const int8_t *x, uint32_t stride, uint32_t n, int32_t s[4])
{
	int32_t a = 0, b = 0, c = 0, d = 0;
#if HT_DOT_DSP
	for (uint32_t k = n >> 2; k; k--) {
		int16x2_t p02, p13, q02, q13, w02, w13;
		uint32_t v = ht_ld4(x);
		HT_EXT(v, p02, p13);
		v = ht_ld4(x + stride);
		HT_EXT(v, q02, q13);
		v = ht_ld4(w);
		HT_EXT(v, w02, w13);
		a = __smlad(w02, p02, a);
		a = __smlad(w13, p13, a);
		c = __smlad(w02, q02, c);
		c = __smlad(w13, q13, c);
		v = ht_ld4(w + stride);
		HT_EXT(v, w02, w13);
		b = __smlad(w02, p02, b);
		b = __smlad(w13, p13, b);
		d = __smlad(w02, q02, d);
		d = __smlad(w13, q13, d);
		x += 4;
		w += 4;
	}
	n &= 3u;
#endif
	uint32_t ua = (uint32_t)a, ub = (uint32_t)b, uc = (uint32_t)c, ud = (uint32_t)d;
	uint32_t i = 0;
#if HT_DOT_AVX2
	{
		__m256i va = _mm256_setzero_si256(), vb = va, vc = va, vd = va;
		for (; i + 16u <= n; i += 16u) {
			const __m256i p = ht_avx_ld16(x + i), q = ht_avx_ld16(x + stride + i);
			const __m256i w0 = ht_avx_ld16(w + i), w1 = ht_avx_ld16(w + stride + i);
			va = _mm256_add_epi32(va, _mm256_madd_epi16(w0, p));
			vb = _mm256_add_epi32(vb, _mm256_madd_epi16(w1, p));
			vc = _mm256_add_epi32(vc, _mm256_madd_epi16(w0, q));
			vd = _mm256_add_epi32(vd, _mm256_madd_epi16(w1, q));
		}
		ua += ht_avx_hsum(va);
		ub += ht_avx_hsum(vb);
		uc += ht_avx_hsum(vc);
		ud += ht_avx_hsum(vd);
	}
#endif
	for (; i < n; i++) {
		int32_t p = x[i], q = x[stride + i];
		ua += (uint32_t)(w[i] * p);
		ub += (uint32_t)(w[stride + i] * p);
		uc += (uint32_t)(w[i] * q);
		ud += (uint32_t)(w[stride + i] * q);
	}
	s[0] = (int32_t)ua;
	s[1] = (int32_t)ub;
	s[2] = (int32_t)uc;
	s[3] = (int32_t)ud;
}

#endif
