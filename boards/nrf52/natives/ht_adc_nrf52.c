/* The nRF52840's hardware-timed ECG input (boards/adc-block/ht_adc_board.h): TIMER2 counts the 16 MHz clock
 * and, on each COMPARE[0] (which also clears it), PPI triggers the SAADC's SAMPLE task: one conversion per
 * period with no CPU involved. The SAADC writes results by EasyDMA into the ring's blocks, double buffered by
 * nrfx's SAADC driver (the next block is armed after STARTED; on END the driver starts it and reports DONE).
 * The DONE handler, in the SAADC interrupt once per block, queues the finished block, arms a free one (or,
 * when the JS side is behind, the same one again: an overrun the ring counts) and wakes the XS machine.
 *
 * Rate: 16 MHz has no factor 3, so 360 Hz is 16e6 / 44444 = 360.0036 Hz (+10 ppm, inside the crystal's own
 * tolerance; the timer runs from HFINT, about 1 %, unless something keeps the HFXO on, as the SoftDevice does
 * while the radio works).
 * Peripherals taken: SAADC (through nrfx_saadc: Moddable's pins/analog shares it, so Analog.read must not
 * be used while this input runs), TIMER2 (TIMER0 is the SoftDevice's, TIMER3/4 Moddable's), one PPI channel
 * from nrfx's allocator (the SoftDevice's channels are outside it). */
#include <stdbool.h>
#include "ht_adc_board.h"
#include "nrfx_saadc.h"
#include "nrfx_timer.h"
#include "nrfx_ppi.h"
#include "app_util_platform.h"

#define TIMER_HZ 16000000u

static const nrfx_timer_t gTimer = NRFX_TIMER_INSTANCE(2);
static nrf_ppi_channel_t gChannel;
static ht_adc_ring *gRing;
static uint8_t gSaadc, gTimerOn, gPpi;

static void on_timer(nrf_timer_event_t event, void *context)
{
	(void)event;
	(void)context; /* no timer interrupt is enabled: PPI does the work */
}

static void on_saadc(nrfx_saadc_evt_t const *event)
{
	int16_t *next;
	uint32_t queued;
	if (event->type != NRFX_SAADC_EVT_DONE || !gRing)
		return;
	queued = gRing->queued;
	next = ht_adc_ring_complete(gRing, event->data.done.p_buffer);
	if (next)
		nrfx_saadc_buffer_convert(next, gRing->block);
	if (gRing->queued != queued)
		ht_adc_block_ready();
}

static nrf_saadc_input_t ain(int32_t input)
{
	static const nrf_saadc_input_t inputs[8] = {
		NRF_SAADC_INPUT_AIN0, NRF_SAADC_INPUT_AIN1, NRF_SAADC_INPUT_AIN2, NRF_SAADC_INPUT_AIN3,
		NRF_SAADC_INPUT_AIN4, NRF_SAADC_INPUT_AIN5, NRF_SAADC_INPUT_AIN6, NRF_SAADC_INPUT_AIN7,
	};
	return inputs[input];
}

const char *ht_adc_board_start(ht_adc_ring *ring, int32_t input, uint32_t rate, uint32_t bits, uint32_t *actualMilliHz)
{
	nrfx_saadc_config_t config = NRFX_SAADC_DEFAULT_CONFIG;
	nrfx_timer_config_t timerConfig = NRFX_TIMER_DEFAULT_CONFIG;
	nrf_saadc_channel_config_t channel = {
		.resistor_p = NRF_SAADC_RESISTOR_DISABLED,
		.resistor_n = NRF_SAADC_RESISTOR_DISABLED,
		.gain = NRF_SAADC_GAIN1_6,               /* with the 0.6 V reference: 0..3.6 V full scale */
		.reference = NRF_SAADC_REFERENCE_INTERNAL,
		.acq_time = NRF_SAADC_ACQTIME_10US,
		.mode = NRF_SAADC_MODE_SINGLE_ENDED,
		.burst = NRF_SAADC_BURST_DISABLED,
		.pin_n = NRF_SAADC_INPUT_DISABLED,
	};
	int16_t *first, *second;
	uint32_t ticks;

	if (input < 0 || input > 7)
		return "the nRF52840's analog inputs are AIN0..AIN7";
	switch (bits) {
	case 8: config.resolution = NRF_SAADC_RESOLUTION_8BIT; break;
	case 10: config.resolution = NRF_SAADC_RESOLUTION_10BIT; break;
	case 12: config.resolution = NRF_SAADC_RESOLUTION_12BIT; break;
	case 14: config.resolution = NRF_SAADC_RESOLUTION_14BIT; break;
	default: return "the SAADC resolves 8, 10, 12 or 14 bits";
	}
	ticks = (TIMER_HZ + rate / 2) / rate;
	if (rate < 1 || rate > 20000 || ticks < 800) /* 800 ticks = 50 us: a conversion (10 us acquisition) fits */
		return "the sample rate must be 1..20000 Hz";
	channel.pin_p = ain(input);
	config.oversample = NRF_SAADC_OVERSAMPLE_DISABLED;
	config.low_power_mode = false;

	if (nrfx_saadc_init(&config, on_saadc) != NRFX_SUCCESS)
		return "the SAADC is in use (pins/analog?)";
	gSaadc = 1;
	if (nrfx_saadc_channel_init(0, &channel) != NRFX_SUCCESS) {
		ht_adc_board_stop();
		return "SAADC channel setup failed";
	}
	gRing = ring;
	first = ht_adc_ring_acquire(ring);
	second = ht_adc_ring_acquire(ring);
	if (!first || !second || nrfx_saadc_buffer_convert(first, ring->block) != NRFX_SUCCESS || nrfx_saadc_buffer_convert(second, ring->block) != NRFX_SUCCESS) {
		ht_adc_board_stop();
		return "SAADC buffers could not be armed";
	}

	timerConfig.frequency = NRF_TIMER_FREQ_16MHz;
	timerConfig.mode = NRF_TIMER_MODE_TIMER;
	timerConfig.bit_width = NRF_TIMER_BIT_WIDTH_32;
	if (nrfx_timer_init(&gTimer, &timerConfig, on_timer) != NRFX_SUCCESS) {
		ht_adc_board_stop();
		return "TIMER2 is in use";
	}
	gTimerOn = 1;
	nrfx_timer_extended_compare(&gTimer, NRF_TIMER_CC_CHANNEL0, ticks, NRF_TIMER_SHORT_COMPARE0_CLEAR_MASK, false);

	if (nrfx_ppi_channel_alloc(&gChannel) != NRFX_SUCCESS) {
		ht_adc_board_stop();
		return "no free PPI channel";
	}
	gPpi = 1;
	if (nrfx_ppi_channel_assign(gChannel, nrfx_timer_compare_event_address_get(&gTimer, NRF_TIMER_CC_CHANNEL0), nrfx_saadc_sample_task_get()) != NRFX_SUCCESS
		|| nrfx_ppi_channel_enable(gChannel) != NRFX_SUCCESS) {
		ht_adc_board_stop();
		return "PPI setup failed";
	}
	nrfx_timer_enable(&gTimer);
	*actualMilliHz = (uint32_t)(((uint64_t)TIMER_HZ * 1000u + ticks / 2) / ticks);
	return NULL;
}

void ht_adc_board_stop(void)
{
	if (gTimerOn) {
		nrfx_timer_disable(&gTimer);
		nrfx_timer_uninit(&gTimer);
		gTimerOn = 0;
	}
	if (gPpi) {
		nrfx_ppi_channel_disable(gChannel);
		nrfx_ppi_channel_free(gChannel);
		gPpi = 0;
	}
	if (gSaadc) {
		nrfx_saadc_abort();
		nrfx_saadc_uninit();
		gSaadc = 0;
	}
	gRing = NULL;
}

void ht_adc_board_lock(void)
{
	NRFX_IRQ_DISABLE(SAADC_IRQn);
}

void ht_adc_board_unlock(void)
{
	if (gSaadc)
		NRFX_IRQ_ENABLE(SAADC_IRQn);
}
