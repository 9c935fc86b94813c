/* The ESP32's hardware-timed ECG input (boards/adc-block/ht_adc_board.h) on ESP-IDF 5's continuous ADC driver
 * (esp_adc/adc_continuous.h): the ADC's digital controller converts by DMA at a fixed clock and the driver
 * calls on_conv_done, in its interrupt, once per frame of conversions. The controller cannot run as slowly as
 * an ECG needs (the ESP32's floor is SOC_ADC_SAMPLE_FREQ_THRES_LOW = 20 kHz; 611 Hz on the S3/C3), so it runs
 * at rate x D conversions per second, D the smallest whole factor that reaches the floor (360 Hz: D = 56,
 * 20,160 Hz), and each output sample is the rounded mean of D conversions (a boxcar: also the anti-alias
 * filter, and sqrt(D) less noise). The frame callback writes those means into the ring's FILLING block and
 * queues it when full (an overrun when the JS side is behind, counted by the ring), then wakes XS.
 *
 * Not compiled here (no Xtensa toolchain or ESP-IDF on the machines this project is built on): written against
 * ESP-IDF 5.x's documented API for `mcconfig -m -p esp32` with IDF_PATH set (boards/esp32/README.md).
 * Input: a GPIO of ADC1 (ADC2 is the Wi-Fi radio's and has no continuous mode on the ESP32). 12 bits. */
#include "ht_adc_board.h"
#include "esp_idf_version.h"
#include "esp_adc/adc_continuous.h"
#include "freertos/FreeRTOS.h"
#include "soc/soc_caps.h"

#if CONFIG_IDF_TARGET_ESP32 || CONFIG_IDF_TARGET_ESP32S2
#define HT_ADC_FORMAT ADC_DIGI_OUTPUT_FORMAT_TYPE1
#define HT_ADC_CHANNEL(p) ((p)->type1.channel)
#define HT_ADC_DATA(p) ((p)->type1.data)
#else
#define HT_ADC_FORMAT ADC_DIGI_OUTPUT_FORMAT_TYPE2
#define HT_ADC_CHANNEL(p) ((p)->type2.channel)
#define HT_ADC_DATA(p) ((p)->type2.data)
#endif

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 2, 0)
#define HT_ADC_ATTEN ADC_ATTEN_DB_12
#else
#define HT_ADC_ATTEN ADC_ATTEN_DB_11
#endif

#define FRAME_CONVERSIONS 256

static adc_continuous_handle_t gHandle;
static portMUX_TYPE gMux = portMUX_INITIALIZER_UNLOCKED;
static ht_adc_ring *gRing;
static int16_t *gFilling;
static uint32_t gFilled, gDecimation, gCount, gSum;
static adc_channel_t gChannel;

static bool on_frame(adc_continuous_handle_t handle, const adc_continuous_evt_data_t *data, void *context)
{
	uint32_t at, queued;
	bool ready = false;
	(void)handle;
	(void)context;
	portENTER_CRITICAL_ISR(&gMux);
	if (gRing && gFilling) {
		queued = gRing->queued;
		for (at = 0; at + SOC_ADC_DIGI_RESULT_BYTES <= data->size; at += SOC_ADC_DIGI_RESULT_BYTES) {
			const adc_digi_output_data_t *p = (const adc_digi_output_data_t *)&data->conv_frame_buffer[at];
			if (HT_ADC_CHANNEL(p) != gChannel)
				continue;
			gSum += HT_ADC_DATA(p);
			if (++gCount < gDecimation)
				continue;
			gFilling[gFilled++] = (int16_t)((gSum + gDecimation / 2) / gDecimation);
			gSum = 0;
			gCount = 0;
			if (gFilled == gRing->block) {
				gFilling = ht_adc_ring_complete(gRing, gFilling);
				gFilled = 0;
				if (!gFilling)
					break;
			}
		}
		ready = gRing->queued != queued;
	}
	portEXIT_CRITICAL_ISR(&gMux);
	if (ready)
		ht_adc_block_ready();
	return false;
}

static bool on_pool_full(adc_continuous_handle_t handle, const adc_continuous_evt_data_t *data, void *context)
{
	/* The driver's own pool (for adc_continuous_read, unused here) is full: nothing is lost for us, every frame
	 * already went through on_frame. */
	(void)handle;
	(void)data;
	(void)context;
	return false;
}

const char *ht_adc_board_start(ht_adc_ring *ring, int32_t input, uint32_t rate, uint32_t bits, uint32_t *actualMilliHz)
{
	adc_unit_t unit;
	adc_channel_t channel;
	uint32_t decimation, frequency;
	adc_continuous_handle_cfg_t handleConfig = {
		.max_store_buf_size = 2 * FRAME_CONVERSIONS * SOC_ADC_DIGI_RESULT_BYTES,
		.conv_frame_size = FRAME_CONVERSIONS * SOC_ADC_DIGI_RESULT_BYTES,
	};
	adc_digi_pattern_config_t pattern = { 0 };
	adc_continuous_config_t config = { 0 };
	adc_continuous_evt_cbs_t callbacks = { .on_conv_done = on_frame, .on_pool_ovf = on_pool_full };

	if (gHandle)
		return "the ADC is already sampling";
	if (bits != 12)
		return "the ESP32's continuous ADC gives 12 bits (config.adcBits 12)";
	if (adc_continuous_io_to_channel(input, &unit, &channel) != ESP_OK || unit != ADC_UNIT_1)
		return "the ECG input must be a GPIO of ADC1 (GPIO 32..39 on the ESP32)";
	if (rate < 1 || rate > SOC_ADC_SAMPLE_FREQ_THRES_HIGH)
		return "sample rate out of range";
	decimation = (SOC_ADC_SAMPLE_FREQ_THRES_LOW + rate - 1) / rate;
	if (decimation < 1)
		decimation = 1;
	frequency = rate * decimation;
	if (frequency > SOC_ADC_SAMPLE_FREQ_THRES_HIGH)
		return "sample rate out of range";

	portENTER_CRITICAL(&gMux);
	gRing = ring;
	gFilling = ht_adc_ring_acquire(ring);
	gFilled = 0;
	gSum = 0;
	gCount = 0;
	gDecimation = decimation;
	gChannel = channel;
	portEXIT_CRITICAL(&gMux);
	if (!gFilling) {
		ht_adc_board_stop();
		return "the ring has no free block";
	}

	if (adc_continuous_new_handle(&handleConfig, &gHandle) != ESP_OK) {
		gHandle = NULL;
		ht_adc_board_stop();
		return "adc_continuous_new_handle failed";
	}
	pattern.atten = HT_ADC_ATTEN;
	pattern.channel = channel & 0x7;
	pattern.unit = ADC_UNIT_1;
	pattern.bit_width = SOC_ADC_DIGI_MAX_BITWIDTH;
	config.pattern_num = 1;
	config.adc_pattern = &pattern;
	config.sample_freq_hz = frequency;
	config.conv_mode = ADC_CONV_SINGLE_UNIT_1;
	config.format = HT_ADC_FORMAT;
	if (adc_continuous_config(gHandle, &config) != ESP_OK) {
		ht_adc_board_stop();
		return "adc_continuous_config failed";
	}
	if (adc_continuous_register_event_callbacks(gHandle, &callbacks, NULL) != ESP_OK) {
		ht_adc_board_stop();
		return "adc_continuous_register_event_callbacks failed";
	}
	if (adc_continuous_start(gHandle) != ESP_OK) {
		ht_adc_board_stop();
		return "adc_continuous_start failed";
	}
	*actualMilliHz = rate * 1000u; /* the controller's clock divider; ESP-IDF does not report its exact rate */
	return NULL;
}

void ht_adc_board_stop(void)
{
	if (gHandle) {
		adc_continuous_stop(gHandle);
		adc_continuous_deinit(gHandle);
		gHandle = NULL;
	}
	portENTER_CRITICAL(&gMux);
	gRing = NULL;
	gFilling = NULL;
	portEXIT_CRITICAL(&gMux);
}

void ht_adc_board_lock(void)
{
	portENTER_CRITICAL(&gMux);
}

void ht_adc_board_unlock(void)
{
	portEXIT_CRITICAL(&gMux);
}
