/* Counted regions for the region_count QEMU plugin (native/m4/plugin): the plugin opens a region when
 * m4app_region_begin's first instruction runs and closes it (printing "@count N S") at m4app_region_end's.
 * Regions do not nest; the k-th "@count" belongs to the k-th region the program opened. */
#ifndef M4APP_MARKS_H
#define M4APP_MARKS_H
#include <stdint.h>

void m4app_region_begin(void);
void m4app_region_end(void);

/* The timer tick the board is in (0 before the first), so recorded BLE packets and played samples can be
 * attributed to the region that spent the instructions. */
extern uint32_t m4app_tick;

/* Set by the ADC playback when it has handed out its last sample: the run ends after this tick. */
extern int m4app_input_done;

/* The BLE recorder's log, printed after the counted run. */
void m4app_ble_dump(void);
#endif
