/* What the bench programs print (one line per call, over semihosting) and the counted regions.
 * A region is: report_region(label) (prints "@region <label>"), region_begin(), the work, region_end();
 * the counting plugin prints one "@count N" per region, in the same order. */
#ifndef HT_REPORT_H
#define HT_REPORT_H

#include <stdint.h>

/* Deepest stack use so far (startup.c paints the stack before main). */
uint32_t stack_used_bytes(void);

void region_begin(void);
void region_end(void);

void report_region(const char *label, uint32_t index);
/* "@<key> <value>" */
void report_u32(const char *key, uint32_t value);
void report_hex(const char *key, uint32_t value);
/* "@error <what> <status>" */
void report_error(const char *what, int status);

#endif
