#include "ht_requant.h"

#include <string.h>

#include "ht_bytes.h"

float ht_ldf32(const uint8_t *p)
{
	uint32_t bits = ht_ld32(p);
	float f;
	memcpy(&f, &bits, sizeof f);
	return f;
}

int ht_scale_ok(float s)
{
	return s > 0.0f && s <= 3.40282347e38f; /* false for NaN and infinity */
}

/* frexp from the bits: real = q * 2^e with q = mantissa / 2^53 in [0.5, 1), so q * 2^31 = mantissa / 2^22,
 * rounded half away from zero (TfLiteRound) by adding 2^21 before the shift. */
ht_rq ht_quantize_multiplier(double real)
{
	ht_rq r = {0, 0};
	if (!(real > 0.0))
		return r;
	uint64_t bits;
	memcpy(&bits, &real, sizeof bits);
	int32_t biased = (int32_t)((bits >> 52) & 0x7FFu);
	if (biased == 0x7FF) { /* infinity from a hostile blob's scales: beyond any valid shift */
		r.mult = (int32_t)0x40000000;
		r.shift = 1025;
		return r;
	}
	if (biased == 0) /* subnormal: the exponent is far below -31 */
		return r;
	uint64_t mantissa = (bits & (((uint64_t)1 << 52) - 1u)) | ((uint64_t)1 << 52);
	int32_t shift = biased - 1022;
	uint64_t m = (mantissa + ((uint64_t)1 << 21)) >> 22;
	if (m == ((uint64_t)1 << 31)) {
		m = (uint64_t)1 << 30;
		shift++;
	}
	if (shift < -31)
		return r;
	r.mult = (int32_t)m;
	r.shift = shift;
	return r;
}

ht_rq ht_conv_requant(float s_in, float s_f, float s_out)
{
	return ht_quantize_multiplier((double)s_in * (double)s_f / (double)s_out);
}

ht_rq ht_fc_per_tensor_requant(float s_in, float s_f, float s_out)
{
	const float product = s_in * s_f;
	return ht_quantize_multiplier((double)product / (double)s_out);
}

void ht_add_requant(float s1, float s2, float s_out, int32_t aux[7])
{
	const double twice_max = 2 * (double)(s1 > s2 ? s1 : s2);
	const ht_rq a = ht_quantize_multiplier((double)s1 / twice_max);
	const ht_rq b = ht_quantize_multiplier((double)s2 / twice_max);
	const ht_rq o = ht_quantize_multiplier(twice_max / ((1 << HT_TFLM_ADD_LEFT_SHIFT) * (double)s_out));
	aux[0] = HT_TFLM_ADD_LEFT_SHIFT;
	aux[1] = a.mult;
	aux[2] = a.shift;
	aux[3] = b.mult;
	aux[4] = b.shift;
	aux[5] = o.mult;
	aux[6] = o.shift;
}

ht_rq ht_mean_requant(float s_in, float s_out, uint32_t length)
{
	ht_rq q = ht_quantize_multiplier((double)s_in / (double)s_out);
	int32_t n = 0;
	while (n < 31 && (length >> (n + 1)) != 0)
		n++; /* floor(log2 length) */
	if (n > 31 + q.shift)
		n = 31 + q.shift;
	ht_rq r;
	r.mult = (int32_t)(((int64_t)q.mult << n) / (int64_t)length);
	r.shift = q.shift - n;
	return r;
}

float ht_generated_filter_scale(uint32_t max_abs, float unit_scale)
{
	return (float)((double)max_abs * (double)unit_scale);
}
