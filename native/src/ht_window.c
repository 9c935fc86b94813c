#include "ht_kernels.h"

uint32_t ht_window_out_len(uint32_t length, const ht_window *w)
{
	if (!w || w->k == 0 || w->stride == 0 || w->dilation == 0)
		return 0;
	int64_t span = (int64_t)length + w->pad_left + w->pad_right - (int64_t)w->dilation * (w->k - 1) - 1;
	if (span < 0)
		return 0;
	return (uint32_t)(span / w->stride + 1);
}
