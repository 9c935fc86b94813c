/* Natives the archive references that the app never calls on this board (preferences, bonding lists;
 * the ECG comes through the block input, natives/board_adc.c): they throw, so a call would be a clear error rather
 * than a silent no-op. */
#include "xsmc.h"

#define UNSUPPORTED(name) \
	void name(xsMachine *the) { xsUnknownError("mps2-an386 board: " #name " is not emulated"); }

UNSUPPORTED(xs_preference_set)
UNSUPPORTED(xs_preference_get)
UNSUPPORTED(xs_preference_delete)
UNSUPPORTED(xs_preference_keys)
UNSUPPORTED(xs_ble_sm_delete_all_bondings)
UNSUPPORTED(xs_ble_sm_delete_bonding)
UNSUPPORTED(xs_gap_whitelist_add)
UNSUPPORTED(xs_gap_whitelist_clear)
UNSUPPORTED(xs_gap_whitelist_remove)
