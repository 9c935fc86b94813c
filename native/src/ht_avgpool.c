#include "ht_dot.h"
#include "ht_kernel_util.h"

#if HT_DOT_DSP
/* Four channels at a time: one word load per position, SXTAB16 into two pairs of int16 lane sums (channels c, c+2
 * and c+1, c+3). Up to 256 positions every lane sum of int8 values fits int16; the zero point comes off at the end
 * (the sum of x - zi is the sum of x minus length * zi). */
static void avgpool_four(const ht_act *act, int32_t mult, int32_t shift, uint32_t len, uint32_t ch, uint32_t c,
                         uint32_t from, const int8_t *in, int8_t *out)
{
	int16x2_t even = 0, odd = 0;
	const int8_t *p = in + c;
	for (uint32_t t = 0; t < len; t++, p += ch) {
		const uint32_t v = ht_ld4(p);
		even = __sxtab16(even, (int8x4_t)v);
		odd = ht_sxtab16_ror8(odd, v);
	}
	const int32_t zsum = (int32_t)len * act->in_zp;
	const int32_t s[4] = {(int16_t)((uint32_t)even & 0xFFFFu), (int16_t)((uint32_t)odd & 0xFFFFu),
	                      (int16_t)((uint32_t)even >> 16), (int16_t)((uint32_t)odd >> 16)};
	for (uint32_t k = from; k < 4u; k++)
		out[c + k] = ht_requant_s8(s[k] - zsum, mult, shift, act->out_zp, act->act_min, act->act_max);
}

/* Every channel when there are at least four: groups of four, then the last four channels once more for the one to
 * three left (they overlap channels already written, which are not written again). Returns the channels done. */
static uint32_t avgpool_dsp(const ht_act *act, int32_t mult, int32_t shift, uint32_t len, uint32_t ch, const int8_t *in,
                            int8_t *out)
{
	if (ch < 4u)
		return 0;
	uint32_t c = 0;
	for (; c + 4u <= ch; c += 4u)
		avgpool_four(act, mult, shift, len, ch, c, 0, in, out);
	if (c < ch)
		avgpool_four(act, mult, shift, len, ch, ch - 4u, 4u - (ch - c), in, out);
	return ch;
}
#endif

int ht_avgpool_s8(const ht_act *act, int32_t mult, int32_t shift, const ht_dims *in_dims, const int8_t *in,
                  int8_t *out)
{
	if (!ht_act_ok(act) || !ht_dims_ok(in_dims) || !in || !out)
		return HT_E_ARGUMENT;
	const uint32_t ch = in_dims->channels;
	uint32_t c = 0;
#if HT_DOT_DSP
	if (in_dims->length <= 256u)
		c = avgpool_dsp(act, mult, shift, in_dims->length, ch, in, out);
#endif
	for (; c < ch; c++) {
		int32_t sum = 0; /* |sum| <= 255 * 65535: no overflow */
		for (uint32_t t = 0; t < in_dims->length; t++)
			sum += in[t * ch + c] - act->in_zp;
		out[c] = ht_requant_s8(sum, mult, shift, act->out_zp, act->act_min, act->act_max);
	}
	return HT_OK;
}
