/* Minimal test harness: checks count and report; the run fails if any check failed. */
#ifndef HT_TEST_UTIL_H
#define HT_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>

extern long ht_test_checks, ht_test_failures;

#define CHECK(cond)                                                                                     \
	do {                                                                                                \
		ht_test_checks++;                                                                               \
		if (!(cond)) {                                                                                  \
			ht_test_failures++;                                                                         \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                   \
		}                                                                                               \
	} while (0)

#define CHECK_EQ(a, b)                                                                                  \
	do {                                                                                                \
		long long va_ = (long long)(a), vb_ = (long long)(b);                                          \
		ht_test_checks++;                                                                               \
		if (va_ != vb_) {                                                                               \
			ht_test_failures++;                                                                         \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", __FILE__, __LINE__, #a, \
			        va_, #b, vb_);                                                                      \
		}                                                                                               \
	} while (0)

/* xorshift32 of docs/FORMAT.md §7, also used for random test data. */
static inline uint32_t test_rand(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

void test_arith(void);
void test_bits(void);
void test_kernels(void);
void test_synth(void);
void test_synth_lowrank(void);
void test_models(void);
void test_cache(void);
void test_corruptions(void);
void test_input(void);
void test_ecg(void);
void test_template(void);
void test_rr(void);
void test_apnea(void);
int test_write_blobs(const char *dir);

#endif
