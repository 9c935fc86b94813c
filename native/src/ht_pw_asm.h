/* Asm building blocks of the DSP pointwise path (ht_pwconv_dsp.h): input widening, the 1x4 dot product,
 * requantization and stores of four outputs. */
#ifndef HT_PW_ASM_H
#define HT_PW_ASM_H

#include <stddef.h>

#include "ht_dot.h"
#include "ht_fast_rq.h"
#include "ht_kernel_util.h"

#if HT_DOT_DSP

/* Stack: the widened-input buffer and the prepared requantization of up to HT_PW_QBLOCK output channels. */
enum { HT_PW_XBUF_BYTES = 1024, HT_PW_DSP_MAX_GROUPS = HT_PW_XBUF_BYTES / 32, HT_PW_QBLOCK = 64 };

/* The padded last group of one position: its 1..3 channels, then the zero point's byte (`pad`, four copies),
 * which widens to exactly 0. */
static __attribute__((noinline, unused)) void ht_pw_widen_rest(const int8_t *xp, uint32_t rest, int16x2_t off,
                                                               uint32_t pad, uint32_t *o)
{
	uint32_t v = pad;
	for (uint32_t i = 0; i < rest; i++)
		v = (v & ~(0xFFu << (8u * i))) | ((uint32_t)(uint8_t)xp[i] << (8u * i));
	o[0] = (uint32_t)__sxtab16(off, (int8x4_t)v);
	o[1] = (uint32_t)ht_sxtab16_ror8(off, v);
}

/* Four positions of x (NULL for a missing position, widened as zeros), `channels` each, as 8 words per group of
 * 4 channels: the even and odd lanes of each position in turn; a last group of 1..3 channels padded to 0. */
static inline void ht_pw_widen_quad(const int8_t *const x[4], uint32_t channels, int16x2_t off, uint32_t pad,
                                    uint32_t *out)
{
	const uint32_t groups = channels / 4u, rest = channels % 4u;
	/* position by position, so that each position's pointer and NULL test stay out of the group loop */
	for (uint32_t p = 0; p < 4u; p++) {
		uint32_t *o = out + 2u * p;
		const int8_t *xp = x[p];
		if (!xp) {
			for (uint32_t g = 0; g < groups + (rest != 0u); g++, o += 8)
				o[0] = o[1] = 0;
			continue;
		}
		for (uint32_t g = 0; g < groups; g++, o += 8, xp += 4) {
			uint32_t v = ht_ld4(xp);
			o[0] = (uint32_t)__sxtab16(off, (int8x4_t)v);
			o[1] = (uint32_t)ht_sxtab16_ror8(off, v);
		}
		if (rest)
			ht_pw_widen_rest(xp, rest, off, pad, o);
	}
}

/* One group of 4 channels: 2 SXTB16 of the weight word, 2 LDM of 4 widened input words, 8 SMLAD. */
#define HT_PW_GROUP                                                                                            \
	"ldr %[wo], [%[w]], #4\n\t"                                                                               \
	"sxtb16 %[we], %[wo]\n\t"                                                                                 \
	"sxtb16 %[wo], %[wo], ror #8\n\t"                                                                         \
	"ldmia %[xp]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"                                                          \
	"smlad %[a], %[we], %[x0], %[a]\n\t"                                                                      \
	"smlad %[a], %[wo], %[x1], %[a]\n\t"                                                                      \
	"smlad %[b], %[we], %[x2], %[b]\n\t"                                                                      \
	"smlad %[b], %[wo], %[x3], %[b]\n\t"                                                                      \
	"ldmia %[xp]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"                                                          \
	"smlad %[c], %[we], %[x0], %[c]\n\t"                                                                      \
	"smlad %[c], %[wo], %[x1], %[c]\n\t"                                                                      \
	"smlad %[d], %[we], %[x2], %[d]\n\t"                                                                      \
	"smlad %[d], %[wo], %[x3], %[d]\n\t"

/* acc[p] += w·x(position p) for the four widened positions at *xp (advanced past them), over `groups` >= 1
 * groups of 4 channels, two groups per iteration after an odd one. LDM fills registers in ascending order,
 * so its four targets are pinned to r8..r11. (The "memory" clobber reloads whatever the caller reads
 * through pointers: callers keep what they use around the loop in local variables.) */
static HT_ALWAYS_INLINE void ht_pw_dot_1x4(const int8_t *w, const uint32_t **xp, uint32_t groups, int32_t *a,
                                           int32_t *b, int32_t *c, int32_t *d)
{
	register uint32_t x0 __asm("r8"), x1 __asm("r9"), x2 __asm("r10"), x3 __asm("r11");
	uint32_t we, wo;
	const uint32_t *x = *xp;
	__asm__ volatile("tst %[n], #1\n\t"
	                 "beq 2f\n\t" HT_PW_GROUP "2:\n\t"
	                 "lsrs %[n], %[n], #1\n\t"
	                 "beq 3f\n"
	                 "1:\n\t" HT_PW_GROUP HT_PW_GROUP "subs %[n], %[n], #1\n\t"
	                 "bne 1b\n"
	                 "3:"
	                 : [a] "+r"(*a), [b] "+r"(*b), [c] "+r"(*c), [d] "+r"(*d), [w] "+r"(w), [xp] "+r"(x),
	                   [n] "+r"(groups), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3),
	                   [we] "=&r"(we), [wo] "=&r"(wo)
	                 :
	                 : "cc", "memory");
	*xp = x;
}

/* The no-clamp fast path over a chunk of positions for a block of output channels, whole quads only: per channel
 * the dot products of ht_pw_dot_1x4 and the requantization and stores of ht_pw_requant4, quad after quad, in one
 * asm function with its registers allotted by hand, so that only the loop state goes through memory (the
 * compiler's loops around the two asm blocks spilled and reloaded about four times as much per quad and per
 * channel). Every channel's record must be fast (rs1 >= 0), at least two groups; a row of cin not a multiple of 4
 * reads the next row's first bytes in its padded group (inputs widened to 0 there), so not the last row. */
typedef struct {
	const int8_t *w;      /*  0: the current channel's weight row (4*groups int8 readable); the next row follows */
	uint32_t pairs;       /*  4: groups / 2, >= 1 */
	uint32_t odd;         /*  8: groups % 2 */
	const ht_fast_q *q;   /* 12: the current channel's record; the next follows */
	int8_t *y;            /* 16: the current quad's first output */
	uint32_t cout;        /* 20 */
	int8_t *yend;         /* 24: y past the current channel's last quad (ychan + 4 * cout * quads) */
	const uint32_t *xbuf; /* 28: the chunk's widened inputs (ht_pw_widen_quad) */
	uint32_t quads;       /* 32: >= 1 (yend is ychan + 4 * cout * quads) */
	uint32_t channels;    /* 36: >= 1, counted down */
	uint32_t row;         /* 40: cin, from one row to the next */
	int8_t *ychan;        /* 44: the current channel's first output (y at its start) */
} ht_pw_quads_args;

_Static_assert(sizeof(void *) == 4 && offsetof(ht_pw_quads_args, pairs) == 4 && offsetof(ht_pw_quads_args, odd) == 8 &&
                   offsetof(ht_pw_quads_args, q) == 12 && offsetof(ht_pw_quads_args, y) == 16 &&
                   offsetof(ht_pw_quads_args, cout) == 20 && offsetof(ht_pw_quads_args, yend) == 24 &&
                   offsetof(ht_pw_quads_args, xbuf) == 28 && offsetof(ht_pw_quads_args, quads) == 32 &&
                   offsetof(ht_pw_quads_args, channels) == 36 && offsetof(ht_pw_quads_args, row) == 40 &&
                   offsetof(ht_pw_quads_args, ychan) == 44 && offsetof(ht_fast_q, bias) == 12,
               "ht_pw_quads reads these offsets");

/* r0-r3 accumulators, r4/r5 the weight pair, r6 weights, r7 inputs, r8-r11 four input words (LDM), r12 the
 * arguments, lr the pair count; after the dot products r4 m, r5 rs, r6 q, r11/lr the record's K, r8-r10 scratch. */
#define HT_PW_QGROUP                                                                                           \
	"ldr r5, [r6], #4\n\t"                                                                                    \
	"sxtb16 r4, r5\n\t"                                                                                       \
	"sxtb16 r5, r5, ror #8\n\t"                                                                               \
	"ldmia r7!, {r8, r9, r10, r11}\n\t"                                                                       \
	"smlad r0, r4, r8, r0\n\t"                                                                                \
	"smlad r0, r5, r9, r0\n\t"                                                                                \
	"smlad r1, r4, r10, r1\n\t"                                                                               \
	"smlad r1, r5, r11, r1\n\t"                                                                               \
	"ldmia r7!, {r8, r9, r10, r11}\n\t"                                                                       \
	"smlad r2, r4, r8, r2\n\t"                                                                                \
	"smlad r2, r5, r9, r2\n\t"                                                                                \
	"smlad r3, r4, r10, r3\n\t"                                                                               \
	"smlad r3, r5, r11, r3\n\t"
/* HT_FAST_RQ with K already in r11 (low) and lr (high), m in r4, rs in r5. */
#define HT_PW_QRQ(a)                                                                                           \
	"and r10, " a ", #0x80000000\n\t"                                                                         \
	"subs r8, r11, r10\n\t"                                                                                   \
	"sbc r9, lr, #0\n\t"                                                                                      \
	"smlal r8, r9, " a ", r4\n\t"                                                                             \
	"asr " a ", r9, r5\n\t"                                                                                   \
	"ssat " a ", #8, " a "\n\t"

__attribute__((naked, noinline, unused)) static void ht_pw_quads(ht_pw_quads_args *args __attribute__((unused)))
{
	/* args arrives in r0 (AAPCS); a naked function holds basic asm only */
	__asm__ volatile("push {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
	                 "mov r12, r0\n\t"
	                 "ldr r7, [r12, #28]\n"
	                 "4:\n\t"
	                 "ldr r6, [r12, #0]\n\t"
	                 "ldr lr, [r12, #4]\n\t"
	                 "ldr r5, [r12, #12]\n\t"
	                 "ldr r4, [r12, #8]\n\t"
	                 "ldr r0, [r5, #12]\n\t"
	                 "mov r1, r0\n\t"
	                 "mov r2, r0\n\t"
	                 "mov r3, r0\n\t"
	                 "cbz r4, 2f\n\t" HT_PW_QGROUP
	                 "2:\n"
	                 "1:\n\t" HT_PW_QGROUP HT_PW_QGROUP
	                 "subs lr, lr, #1\n\t"
	                 "bne 1b\n\t"
	                 "ldr r6, [r12, #12]\n\t"
	                 "ldr r4, [r6, #8]\n\t"
	                 "ldr r5, [r6, #16]\n\t"
	                 "ldrd r11, lr, [r6]\n\t" HT_PW_QRQ("r0") HT_PW_QRQ("r1") HT_PW_QRQ("r2") HT_PW_QRQ("r3")
	                 "ldr r10, [r12, #16]\n\t"
	                 "ldr r11, [r12, #20]\n\t"
	                 "strb r0, [r10]\n\t"
	                 "strb r1, [r10, r11]\n\t"
	                 "add lr, r10, r11, lsl #1\n\t"
	                 "strb r2, [lr]\n\t"
	                 "strb r3, [lr, r11]\n\t"
	                 "add r10, r10, r11, lsl #2\n\t"
	                 "str r10, [r12, #16]\n\t"
	                 "ldr r4, [r12, #24]\n\t"
	                 "cmp r10, r4\n\t"
	                 "bne 4b\n\t"
	                 /* the channel's quads are done: the next channel, or return */
	                 "ldr r4, [r12, #36]\n\t"
	                 "subs r4, r4, #1\n\t"
	                 "beq 9f\n\t"
	                 "str r4, [r12, #36]\n\t"
	                 "ldr r6, [r12, #0]\n\t"
	                 "ldr r5, [r12, #40]\n\t"
	                 "add r6, r6, r5\n\t"
	                 "str r6, [r12, #0]\n\t"
	                 "ldr r6, [r12, #12]\n\t"
	                 "add r6, r6, #24\n\t"
	                 "str r6, [r12, #12]\n\t"
	                 "ldr r6, [r12, #44]\n\t"
	                 "add r6, r6, #1\n\t"
	                 "str r6, [r12, #44]\n\t"
	                 "str r6, [r12, #16]\n\t"
	                 "ldr r6, [r12, #24]\n\t"
	                 "add r6, r6, #1\n\t"
	                 "str r6, [r12, #24]\n\t"
	                 "ldr r7, [r12, #28]\n\t"
	                 "b 4b\n"
	                 "9:\n\t"
	                 "pop {r4, r5, r6, r7, r8, r9, r10, r11, pc}");
}

/* y[0], y[cout], y[2*cout], y[3*cout] = the fast requantization of a0..a3 with q (then SSAT to int8; with
 * clamp, also limited to [lo, hi] by HT_CLAMP4). One asm, so that the register allocation stays in hand. */
static HT_ALWAYS_INLINE void ht_pw_requant4(int32_t a0, int32_t a1, int32_t a2, int32_t a3, const ht_fast_q *q,
                                            int8_t *y, uint32_t cout)
{
	uint32_t lo, hi, t, m, rs;
	__asm__ volatile(HT_FAST_RQ_LOAD("0") HT_FAST_RQ("a0", "0") HT_FAST_RQ("a1", "0") HT_FAST_RQ("a2", "0")
	                 HT_FAST_RQ("a3", "0")
	                 "strb %[a0], [%[y]]\n\t"
	                 "strb %[a1], [%[y], %[cout]]\n\t"
	                 "add %[t], %[y], %[cout], lsl #1\n\t"
	                 "strb %[a2], [%[t]]\n\t"
	                 "strb %[a3], [%[t], %[cout]]"
	                 : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [lo] "=&r"(lo), [hi] "=&r"(hi),
	                   [t] "=&r"(t), [m] "=&r"(m), [rs] "=&r"(rs)
	                 : [q] "r"(q), [y] "r"(y), [cout] "r"(cout)
	                 : "cc", "memory");
}

static HT_ALWAYS_INLINE void ht_pw_requant4_clamp(int32_t a0, int32_t a1, int32_t a2, int32_t a3, const ht_fast_q *q,
                                                  int8_t *y, uint32_t cout, uint32_t lo4, uint32_t hi4)
{
	uint32_t lo, hi, t, m, rs;
	__asm__ volatile(HT_FAST_RQ_LOAD("0") HT_FAST_RQ("a0", "0") HT_FAST_RQ("a1", "0") HT_FAST_RQ("a2", "0")
	                 HT_FAST_RQ("a3", "0")
	                 "bfi %[a0], %[a1], #8, #8\n\t"
	                 "bfi %[a0], %[a2], #16, #8\n\t"
	                 "bfi %[a0], %[a3], #24, #8\n\t"
	                 HT_CLAMP4("a0", "t")
	                 "strb %[a0], [%[y]]\n\t"
	                 "lsr %[a1], %[a0], #8\n\t"
	                 "strb %[a1], [%[y], %[cout]]\n\t"
	                 "add %[t], %[y], %[cout], lsl #1\n\t"
	                 "lsr %[a2], %[a0], #16\n\t"
	                 "strb %[a2], [%[t]]\n\t"
	                 "lsr %[a3], %[a0], #24\n\t"
	                 "strb %[a3], [%[t], %[cout]]"
	                 : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [lo] "=&r"(lo), [hi] "=&r"(hi),
	                   [t] "=&r"(t), [m] "=&r"(m), [rs] "=&r"(rs)
	                 : [q] "r"(q), [y] "r"(y), [cout] "r"(cout), [lo4] "r"(lo4), [hi4] "r"(hi4)
	                 : "cc", "memory");
}

#endif
#endif
