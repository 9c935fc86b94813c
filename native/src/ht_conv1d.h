/* Conv1d's fast path for inputs whose channels 1.. are constant along the window (ht_conv1d.c). */
#ifndef HT_CONV1D_H
#define HT_CONV1D_H

#include "ht_kernels.h"

/* Longest kernel the fast path takes (its per-channel tables live on the stack); longer ones run the plain path. */
#define HT_CONV1D_LEAD_TAPS_MAX 16u

/* 1 when ht_conv1d_s8 convolves only channel 0 of this input: it has at least two channels, channels 1.. hold
 * the same bytes at every position, and K <= HT_CONV1D_LEAD_TAPS_MAX. Arguments as ht_conv1d_s8 checks them. */
int ht_conv1d_lead_applies(const ht_dims *in_dims, const ht_window *win, const int8_t *in);

#endif
