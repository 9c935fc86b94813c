/* Reference synthesis straight from docs/FORMAT.md §4, over plain int arrays (no bit streams). */
#include "ht.h"
#include "test_blobs.h"

static int64_t rdiv(int64_t n, int64_t d)
{
	int64_t a = n < 0 ? -n : n;
	int64_t r = (2 * a + d) / (2 * d);
	return n < 0 ? -r : r;
}

static int clamp(int64_t v, int lo, int hi)
{
	return (int)(v < lo ? lo : v > hi ? hi : v);
}

int ref_synth(const gen_spec *s, int g, int8_t *w, int32_t *bias, int32_t *mult, int32_t *shift)
{
	const gen_layer_spec *L = &s->gen[g];
	int h[256], next[256];
	for (int i = 0; i < s->code_dim; i++)
		h[i] = L->code[i];
	for (int l = 0; l < s->mlp_count; l++) {
		const mlp_spec *m = &s->mlp[l];
		for (int o = 0; o < m->out_dim; o++) {
			int64_t acc = m->bias[o];
			for (int i = 0; i < m->in_dim; i++)
				acc += m->w[o * m->in_dim + i] * (h[i] - m->in_zp);
			next[o] = clamp((int64_t)ht_mbqm((int32_t)acc, m->mult, m->shift) + m->out_zp, m->act_min, m->act_max);
		}
		for (int o = 0; o < m->out_dim; o++)
			h[o] = next[o];
	}
	const int dh = s->mlp[s->mlp_count - 1].out_dim, zh = s->mlp[s->mlp_count - 1].out_zp;
	for (int c = 0; c < L->cout; c++) {
		int64_t a[256];
		int64_t max_abs = 0;
		for (int i = 0; i < L->cin; i++) {
			a[i] = 0;
			for (int k = 0; k < dh; k++) {
				if (s->family == 1)
					a[i] += L->heads[(c * L->cin + i) * dh + k] * (h[k] - zh);
				else
					a[i] += (int64_t)L->heads[c * dh + k] * (h[k] - zh) * L->heads[L->cout * dh + k * L->cin + i];
			}
			int64_t v = a[i] < 0 ? -a[i] : a[i];
			max_abs = v > max_abs ? v : max_abs;
		}
		bias[c] = mult[c] = shift[c] = 0;
		for (int i = 0; i < L->cin; i++)
			w[c * L->cin + i] = 0;
		if (max_abs == 0)
			continue;
		for (int i = 0; i < L->cin; i++)
			w[c * L->cin + i] = (int8_t)rdiv(127 * a[i], max_abs);
		bias[c] = (int32_t)rdiv(L->bias_unit[c], max_abs);
		if (L->m0 == 0)
			continue;
		uint64_t p = (uint64_t)L->m0 * (uint64_t)max_abs;
		int n = 0;
		while ((p >> n) != 0)
			n++;
		uint64_t m;
		if (n > 31) {
			m = (p + ((uint64_t)1 << (n - 32))) >> (n - 31);
			if (m == ((uint64_t)1 << 31)) {
				m = (uint64_t)1 << 30;
				n++;
			}
		} else {
			m = p << (31 - n);
		}
		int s_out = L->s0 + n - 31;
		if (s_out > 30)
			return HT_E_SYNTH_RANGE;
		if (s_out < -31)
			continue;
		mult[c] = (int32_t)m;
		shift[c] = s_out;
	}
	return HT_OK;
}
