/* Attention pooling. The scores need a max over all positions before any weight is known, and there is
 * no scratch: scores are recomputed per block of HT_ATTN_BLOCK channels, whose int64 numerators live on
 * the stack. Cost: (1 + blocks) score passes of L·C MACs plus the L·C weighted sum. */
#include "ht_kernel_util.h"

enum { HT_ATTN_BLOCK = 32 };

static const uint16_t exp2_q8[16] = {256, 245, 235, 225, 215, 206, 197, 189,
                                     181, 173, 166, 159, 152, 146, 140, 134};

static int32_t score_at(const ht_attnpool_params *p, const int8_t *row, const int8_t *w, uint32_t ch,
                        int32_t zi)
{
	uint32_t acc = (uint32_t)p->bias;
	for (uint32_t c = 0; c < ch; c++)
		acc += (uint32_t)(w[c] * (row[c] - zi));
	return ht_clamp_s8(ht_mbqm((int32_t)acc, p->ms, p->ss), -128, 127);
}

int ht_attnpool_s8(const ht_act *act, const ht_attnpool_params *p, const ht_dims *in_dims, const int8_t *in,
                   const int8_t *score_weights, int8_t *out)
{
	if (!ht_act_ok(act) || !p || !ht_dims_ok(in_dims) || !in || !score_weights || !out)
		return HT_E_ARGUMENT;
	const uint32_t len = in_dims->length, ch = in_dims->channels;
	const int32_t zi = act->in_zp;
	int32_t best = -128;
	for (uint32_t t = 0; t < len; t++) {
		int32_t s = score_at(p, in + t * ch, score_weights, ch, zi);
		if (s > best)
			best = s;
	}
	for (uint32_t c0 = 0; c0 < ch; c0 += HT_ATTN_BLOCK) {
		uint32_t n = ch - c0 < HT_ATTN_BLOCK ? ch - c0 : HT_ATTN_BLOCK;
		int64_t num[HT_ATTN_BLOCK] = {0};
		int64_t den = 0;
		for (uint32_t t = 0; t < len; t++) {
			const int8_t *row = in + t * ch;
			int32_t d = best - score_at(p, row, score_weights, ch, zi);
			int32_t wt = exp2_q8[d & 15] >> (d >> 4);
			den += wt;
			for (uint32_t j = 0; j < n; j++)
				num[j] += (int64_t)wt * (row[c0 + j] - zi);
		}
		for (uint32_t j = 0; j < n; j++) {
			int32_t avg16 = (int32_t)ht_rdiv(16 * num[j], den);
			out[c0 + j] = ht_requant_s8(avg16, p->mo, p->so, act->out_zp, act->act_min, act->act_max);
		}
	}
	return HT_OK;
}
