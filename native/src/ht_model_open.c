#include <string.h>

#include "ht_validate.h"

int ht_model_open(ht_model *m, const uint8_t *blob, uint32_t size)
{
	if (!m || !blob)
		return HT_E_ARGUMENT;
	ht_model t;
	memset(&t, 0, sizeof t);
	uint16_t section_count = 0;
	int st = ht_check_header(&t, blob, size, &section_count);
	if (st == HT_OK)
		st = ht_check_sections(&t, section_count);
	if (st == HT_OK)
		st = ht_check_plan_header(&t);
	uint8_t written[HT_MAX_RECORDS / 8] = {0};
	for (uint16_t i = 0; st == HT_OK && i < t.op_count; i++)
		st = ht_check_op(&t, i, written);
	if (st == HT_OK && !((written[t.output_tensor >> 3] >> (t.output_tensor & 7u)) & 1u))
		st = HT_E_PLAN;
	if (st == HT_OK)
		st = ht_check_generator(&t);
	if (st == HT_OK)
		*m = t;
	return st;
}
