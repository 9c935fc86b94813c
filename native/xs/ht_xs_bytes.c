/*
 * xs_ht_copy_bytes(destination, source, length): the first `length` bytes of source to the start of destination,
 * each an ArrayBuffer, host buffer or byte view, in one memmove. The boards' BLE transport copies every packet into
 * its length's buffer: in XS a loop of byte reads and writes costs ~1,700 instructions a byte on the Cortex-M4
 * (bench:m4app), ~30,000 a beat for its two packets. Throws new Error("htpw ARGUMENT (20): ...") when destination is
 * not a writable buffer, source not a buffer, or length not an integer within both.
 */
#include <string.h>

#include "xsmc.h"
#include "ht.h"
#include "ht_xs_args.h"

void xs_ht_copy_bytes(xsMachine *the)
{
	uint32_t to_bytes, from_bytes;
	double length;
	void *to, *from;
	if (xsmcArgc < 3)
		htxs_throw_status(the, HT_E_ARGUMENT, "xs_ht_copy_bytes expects 3 arguments, got %d", (int)xsmcArgc);
	if (!htxs_number(the, 2, &length))
		htxs_throw_status(the, HT_E_ARGUMENT, "copy length must be a number");
	to = htxs_buffer(the, 0, 1, &to_bytes);
	if (!to)
		htxs_throw_status(the, HT_E_ARGUMENT, "copy destination must be a writable buffer");
	from = htxs_buffer(the, 1, 0, &from_bytes);
	if (!from)
		htxs_throw_status(the, HT_E_ARGUMENT, "copy source must be a buffer");
	if (!(length >= 0 && length <= (double)to_bytes && length <= (double)from_bytes && length == (double)(uint32_t)length))
		htxs_throw_status(the, HT_E_ARGUMENT, "copy length %g is not a whole number of bytes within destination (%u) and source (%u)",
			length, (unsigned)to_bytes, (unsigned)from_bytes);
	memmove(to, from, (size_t)length);
}
