/* C unit tests of the core. `ht_test --write-blobs DIR` instead writes the test blobs (fuzz seeds, QEMU). */
#include <string.h>

#include "test_util.h"

long ht_test_checks, ht_test_failures;

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write-blobs") == 0)
		return test_write_blobs(argv[2]);
	test_arith();
	test_bits();
	test_kernels();
	test_synth();
	test_synth_lowrank();
	test_models();
	test_cache();
	test_corruptions();
	test_input();
	test_ecg();
	test_template();
	test_rr();
	test_apnea();
	if (ht_test_failures) {
		printf("ht_test: FAIL (%ld of %ld checks failed)\n", ht_test_failures, ht_test_checks);
		return 1;
	}
	printf("ht_test: PASS (%ld checks)\n", ht_test_checks);
	return 0;
}
