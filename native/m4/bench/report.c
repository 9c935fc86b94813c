#include "report.h"

#include "semihost.h"

/* The plugin keys on these two addresses: out of line, never merged (each its own naked body). */
__attribute__((naked, noinline)) void region_begin(void)
{
	__asm volatile("bx lr");
}

__attribute__((naked, noinline)) void region_end(void)
{
	__asm volatile("nop\n\tbx lr");
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static char *put_u32(char *p, uint32_t v)
{
	char digits[10];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n)
		*p++ = digits[--n];
	return p;
}

static char *put_hex(char *p, uint32_t v)
{
	for (int shift = 28; shift >= 0; shift -= 4)
		*p++ = "0123456789abcdef"[(v >> shift) & 15u];
	return p;
}

static void line(const char *key, const char *label, int kind, uint32_t value)
{
	char buf[96];
	char *p = put_str(buf, "@");
	p = put_str(p, key);
	if (label)
		p = put_str(put_str(p, " "), label);
	*p++ = ' ';
	p = kind ? put_hex(p, value) : put_u32(p, value);
	put_str(p, "\n")[0] = 0;
	ht_sh_write(buf);
}

void report_region(const char *label, uint32_t index)
{
	line("region", label, 0, index);
}

void report_u32(const char *key, uint32_t value)
{
	line(key, 0, 0, value);
}

void report_hex(const char *key, uint32_t value)
{
	line(key, 0, 1, value);
}

void report_error(const char *what, int status)
{
	line("error", what, 0, (uint32_t)status);
}
