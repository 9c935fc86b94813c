/* Quantized ADD. Each input's rescaled value depends only on its int8 code, so a call over many elements
 * first tabulates both rescalings (256 int32 each, exact MBQM) and then does one table lookup per input and
 * one requantization per element (ht_fast_rq.h's form when it covers the output pair). */
#include <stddef.h>

#include "ht_dot.h"
#include "ht_fast_rq.h"
#include "ht_kernel_util.h"

enum { HT_ADD_TABLE_MIN = 256 }; /* elements from which tabulating both inputs (512 MBQMs) pays off */

/* (x − z) << left_shift wraps modulo 2^32, like MBQM's own left shift. */
static int32_t rescale(int32_t x, int32_t z, const ht_add_params *p, int32_t m, int32_t s)
{
	return ht_mbqm((int32_t)((uint32_t)(x - z) << p->left_shift), m, s);
}

/* rescale() for every code, the multiplier and shift prepared once (ht_mbqm is prepare + ht_mbqm_prepared). */
static void tabulate(int32_t table[256], int32_t z, const ht_add_params *p, int32_t m, int32_t s)
{
	const ht_rq_prep rq = ht_rq_prepare(m, s);
	for (int32_t v = -128; v < 128; v++)
		table[(uint8_t)v] = ht_mbqm_prepared((int32_t)((uint32_t)(v - z) << p->left_shift), &rq);
}

#if HT_DOT_DSP
/* a0..a3 requantized with q (HT_FAST_RQ, then SSAT; with clamp also limited to [lo4, hi4] bytewise) and stored
 * as one word at y (the M4 takes unaligned word stores). */
static HT_ALWAYS_INLINE void add_requant4(int32_t a0, int32_t a1, int32_t a2, int32_t a3, const ht_fast_q *q,
                                          int8_t *y, int clamp, uint32_t lo4, uint32_t hi4)
{
	uint32_t lo, hi, t, m, rs;
	if (clamp)
		__asm__ volatile(HT_FAST_RQ_LOAD("0") HT_FAST_RQ("a0", "0") HT_FAST_RQ("a1", "0") HT_FAST_RQ("a2", "0")
		                 HT_FAST_RQ("a3", "0")
		                 "bfi %[a0], %[a1], #8, #8\n\t"
		                 "bfi %[a0], %[a2], #16, #8\n\t"
		                 "bfi %[a0], %[a3], #24, #8\n\t" HT_CLAMP4("a0", "t") "str %[a0], [%[y]]"
		                 : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [lo] "=&r"(lo),
		                   [hi] "=&r"(hi), [t] "=&r"(t), [m] "=&r"(m), [rs] "=&r"(rs)
		                 : [q] "r"(q), [y] "r"(y), [lo4] "r"(lo4), [hi4] "r"(hi4)
		                 : "cc", "memory");
	else
		__asm__ volatile(HT_FAST_RQ_LOAD("0") HT_FAST_RQ("a0", "0") HT_FAST_RQ("a1", "0") HT_FAST_RQ("a2", "0")
		                 HT_FAST_RQ("a3", "0")
		                 "bfi %[a0], %[a1], #8, #8\n\t"
		                 "bfi %[a0], %[a2], #16, #8\n\t"
		                 "bfi %[a0], %[a3], #24, #8\n\t"
		                 "str %[a0], [%[y]]"
		                 : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [lo] "=&r"(lo),
		                   [hi] "=&r"(hi), [t] "=&r"(t), [m] "=&r"(m), [rs] "=&r"(rs)
		                 : [q] "r"(q), [y] "r"(y)
		                 : "cc", "memory");
}

/* The fast-output loop four elements at a time: one word load per input, four lookups each, one word store.
 * Reads a whole word before writing it, so only an output that partially overlaps an input (never in a
 * validated plan: ht_check_op.c) would differ from the element loop; the caller keeps those on it. */
#if defined(__GNUC__)
__attribute__((noinline)) /* t1 and t2 stay pointers in registers instead of stack offsets rebuilt per lookup */
#endif
static uint32_t add_fast4(const int32_t *t1, const int32_t *t2, const ht_fast_q *q, uint32_t n, const int8_t *in1,
                          const int8_t *in2, int8_t *out, int32_t lo, int32_t hi)
{
	const int clamp = lo > -128 || hi < 127;
	const uint32_t lo4 = (uint8_t)lo * 0x01010101u, hi4 = (uint8_t)hi * 0x01010101u;
	uint32_t i = 0;
	for (; i + 4u <= n; i += 4u) {
		const uint32_t x1 = ht_ld4(in1 + i), x2 = ht_ld4(in2 + i);
		add_requant4(ht_wrap_add(t1[x1 & 0xffu], t2[x2 & 0xffu]), ht_wrap_add(t1[(x1 >> 8) & 0xffu], t2[(x2 >> 8) & 0xffu]),
		             ht_wrap_add(t1[(x1 >> 16) & 0xffu], t2[(x2 >> 16) & 0xffu]), ht_wrap_add(t1[x1 >> 24], t2[x2 >> 24]), q,
		             out + i, clamp, lo4, hi4);
	}
	return i;
}

/* add_fast4 without a clamp, as one asm function with its registers allotted by hand (the compiler's version spills
 * the table and input pointers around the requantization): per four elements two word loads, eight table lookups,
 * the four requantizations of HT_FAST_RQ, one word store. */
typedef struct {
	const int8_t *in1, *in2; /*  0,  4 */
	int8_t *out;             /*  8 */
	const int8_t *in1_end;   /* 12: in1 + 4 * (number of words) */
	const int32_t *t1, *t2;  /* 16, 20 */
	const ht_fast_q *q;      /* 24 */
} add4_args;

_Static_assert(sizeof(void *) == 4 && offsetof(add4_args, in1_end) == 12 && offsetof(add4_args, t1) == 16 &&
                   offsetof(add4_args, q) == 24,
               "add4_asm reads these offsets");

#define HT_ADD_LOOKUP(acc, ext1, ext2)                                                                         \
	ext1 "\n\t"                                                                                                \
	"ldr " acc ", [r4, lr, lsl #2]\n\t" ext2 "\n\t"                                                          \
	"ldr lr, [r5, lr, lsl #2]\n\t"                                                                            \
	"add " acc ", " acc ", lr\n\t"
#define HT_ADD_RQ(a)                                                                                           \
	"and lr, " a ", #0x80000000\n\t"                                                                          \
	"subs r7, r0, lr\n\t"                                                                                     \
	"sbc r8, r1, #0\n\t"                                                                                      \
	"smlal r7, r8, " a ", r4\n\t"                                                                             \
	"asr " a ", r8, r5\n\t"                                                                                   \
	"ssat " a ", #8, " a "\n\t"

__attribute__((naked, noinline)) static void add4_asm(const add4_args *args __attribute__((unused)))
{
	/* args arrives in r0 (AAPCS); a naked function holds basic asm only. r0/r1 inputs, r2 output, r3 end,
	 * r4/r5 tables, r6 q, r7/r8 input words, r9-r12 sums, lr an index; for the requantization r0/r1 K,
	 * r4 m, r5 rs (the pointers they held wait on the stack). */
	__asm__ volatile("push {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
	                 "ldrd r4, r5, [r0, #16]\n\t"
	                 "ldr r6, [r0, #24]\n\t"
	                 "ldr r2, [r0, #8]\n\t"
	                 "ldr r3, [r0, #12]\n\t"
	                 "ldrd r0, r1, [r0]\n"
	                 "1:\n\t"
	                 "ldr r7, [r0], #4\n\t"
	                 "ldr r8, [r1], #4\n\t"
	                 HT_ADD_LOOKUP("r9", "uxtb lr, r7", "uxtb lr, r8")
	                 HT_ADD_LOOKUP("r10", "uxtb lr, r7, ror #8", "uxtb lr, r8, ror #8")
	                 HT_ADD_LOOKUP("r11", "uxtb lr, r7, ror #16", "uxtb lr, r8, ror #16")
	                 HT_ADD_LOOKUP("r12", "lsr lr, r7, #24", "lsr lr, r8, #24")
	                 "push {r0, r1, r4, r5}\n\t"
	                 "ldr r4, [r6, #8]\n\t"
	                 "ldr r5, [r6, #16]\n\t"
	                 "ldrd r0, r1, [r6]\n\t" HT_ADD_RQ("r9") HT_ADD_RQ("r10") HT_ADD_RQ("r11") HT_ADD_RQ("r12")
	                 "bfi r9, r10, #8, #8\n\t"
	                 "bfi r9, r11, #16, #8\n\t"
	                 "bfi r9, r12, #24, #8\n\t"
	                 "str r9, [r2], #4\n\t"
	                 "pop {r0, r1, r4, r5}\n\t"
	                 "cmp r0, r3\n\t"
	                 "bne 1b\n\t"
	                 "pop {r4, r5, r6, r7, r8, r9, r10, r11, pc}");
}

/* out and in are the same bytes or share none. */
static int same_or_apart(const int8_t *out, const int8_t *in, uint32_t n)
{
	return out == in || out + n <= in || in + n <= out;
}
#endif

/* The output pair as a ht_fast_q (no bias); 0 when the fast form does not cover it. */
static int fast_output(const ht_add_params *p, int32_t zo, ht_fast_q *q)
{
	uint8_t le[8];
	ht_st32(le, (uint32_t)p->mo);
	ht_st32(le + 4, (uint32_t)p->so);
	const ht_requant rq = {NULL, le, le + 4, 1};
	ht_fast_prepare(&rq, 0, zo, q);
	return q->rs1 >= 0;
}

static void add_tabulated(const ht_act *act, const ht_add_params *p, uint32_t n, const int8_t *in1, const int8_t *in2,
                          int8_t *out)
{
	int32_t t1[256], t2[256];
	tabulate(t1, p->z1, p, p->m1, p->s1);
	tabulate(t2, p->z2, p, p->m2, p->s2);
	const int32_t lo = act->act_min, hi = act->act_max;
	ht_fast_q q;
	if (fast_output(p, act->out_zp, &q)) {
		uint32_t i = 0;
#if HT_DOT_DSP
		if (same_or_apart(out, in1, n) && same_or_apart(out, in2, n)) {
			if (lo == -128 && hi == 127 && n >= 4u) {
				const add4_args a = {in1, in2, out, in1 + (n & ~3u), t1, t2, &q};
				add4_asm(&a);
				i = n & ~3u;
			} else
				i = add_fast4(t1, t2, &q, n, in1, in2, out, lo, hi);
		}
#endif
		for (; i < n; i++)
			out[i] = ht_clamp_s8(ht_fast_rq(ht_wrap_add(t1[(uint8_t)in1[i]], t2[(uint8_t)in2[i]]), &q), lo, hi);
		return;
	}
	const ht_rq_prep rq = ht_rq_prepare(p->mo, p->so);
	for (uint32_t i = 0; i < n; i++)
		out[i] = ht_requant_prepared_s8(ht_wrap_add(t1[(uint8_t)in1[i]], t2[(uint8_t)in2[i]]), &rq, act->out_zp, lo, hi);
}

int ht_add_s8(const ht_act *act, const ht_add_params *p, const ht_dims *dims, const int8_t *in1,
              const int8_t *in2, int8_t *out)
{
	if (!ht_act_ok(act) || !p || !ht_dims_ok(dims) || !in1 || !in2 || !out || p->left_shift < 0 ||
	    p->left_shift > 31 || p->z1 < -128 || p->z1 > 127 || p->z2 < -128 || p->z2 > 127)
		return HT_E_ARGUMENT;
	const uint32_t n = (uint32_t)dims->length * dims->channels;
	if (n >= HT_ADD_TABLE_MIN) {
		add_tabulated(act, p, n, in1, in2, out);
		return HT_OK;
	}
	for (uint32_t i = 0; i < n; i++) {
		int32_t a = rescale(in1[i], p->z1, p, p->m1, p->s1);
		int32_t b = rescale(in2[i], p->z2, p, p->m2, p->s2);
		out[i] = ht_requant_s8(ht_wrap_add(a, b), p->mo, p->so, act->out_zp, act->act_min, act->act_max);
	}
	return HT_OK;
}
