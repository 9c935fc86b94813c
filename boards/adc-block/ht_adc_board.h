/* The line between the shared ECG block input (ht_adc_xs.c, ht_adc_ring.c) and one board's hardware:
 * boards/nrf52/natives/ht_adc_nrf52.c (SAADC + TIMER + PPI), boards/esp32/natives/ht_adc_esp32.c (continuous
 * ADC driver). A board samples one analog input at a fixed rate into the ring's blocks from its interrupt and
 * calls ht_adc_block_ready() whenever ht_adc_ring_complete() queued one. */
#ifndef HT_ADC_BOARD_H
#define HT_ADC_BOARD_H

#include "ht_adc_ring.h"

/* Starts sampling `input` (the board's analog input number: the nRF52840's AIN0..7, the ESP32's GPIO) at
 * `rate` Hz with `bits` of resolution into `ring` (initialized, all slots FREE). Returns 0, or an error
 * message (static text). *actualMilliHz: the rate the hardware really runs at, in mHz. */
const char *ht_adc_board_start(ht_adc_ring *ring, int32_t input, uint32_t rate, uint32_t bits, uint32_t *actualMilliHz);
/* Stops sampling and releases the hardware; the ring is no longer touched afterwards. */
void ht_adc_board_stop(void);
/* Masks / unmasks the board's sampling interrupt around the consumer's ring access. */
void ht_adc_board_lock(void);
void ht_adc_board_unlock(void);

/* Given by the binding; safe to call from the board's interrupt: a block was queued. */
void ht_adc_block_ready(void);

#endif
