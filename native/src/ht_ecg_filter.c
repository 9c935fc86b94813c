/*
 * Linear-phase FIR band-pass built only from integer moving sums (exact, deterministic, cheap):
 *   low-pass:  moving average over 1/mainsHz (zeros at the mains frequency and its harmonics), then a 2-tap
 *              average when that length is even (makes the total delay a whole number of samples);
 *   high-pass: the signal minus its baseline, the baseline being two cascaded moving averages of 0.86 s.
 * At 360 Hz with 60 Hz mains the passband is 0.67-26 Hz (-3 dB), the delay 312 samples (0.867 s). Output is in
 * ADC units (rounded once, at the end); a step returns the filtered value of the sample pushed filter_delay
 * steps earlier. Because the response is finite, outputs more than filter_delay samples after a reset depend
 * only on samples pushed after it.
 */
#include "ht_ecg_stages.h"

void ht_ecg_msum_init(ht_ecg_msum *m, int32_t *ring, uint32_t length)
{
	m->ring = ring;
	m->length = length;
	ht_ecg_msum_fill(m, 0);
}

/* As if value had been pushed forever. */
void ht_ecg_msum_fill(ht_ecg_msum *m, int64_t value)
{
	uint32_t i;
	int32_t stored = ht_ecg_wrap32(value);
	for (i = 0; i < m->length; i++)
		m->ring[i] = stored;
	m->sum = value * (int64_t)m->length;
	m->next = 0;
}

void ht_ecg_filter_setup(ht_ecg *e)
{
	const int32_t *s = e->s;
	int64_t length = s[HT_ECG_S_HIGHPASS_LENGTH];
	int64_t low_gain = (int64_t)s[HT_ECG_S_LOWPASS_LENGTH] * s[HT_ECG_S_LOWPASS_SMOOTH_LENGTH];
	e->f_centre_gain = length * length;
	e->f_scale = low_gain * length * length;
	e->f_half = e->f_scale / 2;
}

/* Starts over as if sample had been the input forever (no start-up step). */
void ht_ecg_filter_reset(ht_ecg *e, int32_t sample)
{
	int64_t x = (int64_t)sample - e->s[HT_ECG_S_ADC_ZERO];
	ht_ecg_msum_fill(&e->f_mains, x);
	ht_ecg_msum_fill(&e->f_smooth, e->f_mains.sum);
	ht_ecg_msum_fill(&e->f_base1, e->f_smooth.sum);
	ht_ecg_msum_fill(&e->f_base2, e->f_base1.sum);
}

int32_t ht_ecg_filter_step(ht_ecg *e, int32_t sample)
{
	int64_t lowpassed = ht_ecg_msum_push(&e->f_smooth,
		ht_ecg_msum_push(&e->f_mains, (int64_t)sample - e->s[HT_ECG_S_ADC_ZERO]));
	int64_t baseline = ht_ecg_msum_push(&e->f_base2, ht_ecg_msum_push(&e->f_base1, lowpassed));
	/* exceeds 32 bits: int64 (the settings checks keep it far inside) */
	int64_t numerator = (int64_t)ht_ecg_msum_at(&e->f_base1, e->f_base1.length - 1) * e->f_centre_gain - baseline;
	int64_t rounded = numerator + e->f_half;
	/* floor division; in 32 bits when the operands fit (the numerator is the small difference of two large
	 * terms: it fits unless the output nears ±2^31 / scale ADC units), one SDIV on the M4 instead of a call */
	if (rounded >= INT32_MIN && rounded <= INT32_MAX && e->f_scale <= INT32_MAX) {
		int32_t a = (int32_t)rounded, b = (int32_t)e->f_scale, q = a / b;
		return (a % b != 0 && a < 0) ? q - 1 : q;
	}
	return ht_ecg_wrap32(ht_ecg_floor_div(rounded, e->f_scale));
}
