/* Counted regions for the region_count QEMU plugin (native/m4/plugin): the plugin opens a region when
 * m4app_region_begin's first instruction runs and closes it (printing "@count N S") at m4app_region_end's.
 * Regions do not nest; the k-th "@count" belongs to the k-th region the program opened. */
#ifndef M4APP_MARKS_H
#define M4APP_MARKS_H
#include <stdint.h>

void m4app_region_begin(void);
void m4app_region_end(void);

/* The ADC block the board is in (0 before the first is delivered), so recorded BLE packets can be attributed to
 * the region that spent the instructions. */
extern uint32_t m4app_tick;

/* Set by the ADC emulation when the recording cannot fill another block: the run ends after this block. */
extern int m4app_input_done;

/* The emulated ADC (natives/board_adc.c): the virtual ms at which the next block completes (UINT32_MAX while not
 * sampling), and its completion (fills, queues and wakes the JS thread; 0 when nothing was left to sample). */
uint32_t m4app_adc_next_ms(void);
int m4app_adc_complete(void);

/* The BLE recorder's log, printed after the counted run. */
void m4app_ble_dump(void);
#endif
