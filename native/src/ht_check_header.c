#include "ht_bytes.h"
#include "ht_validate.h"

static const uint8_t magic[4] = {0x48, 0x54, 0x50, 0x57}; /* "HTPW" */

static uint32_t blob_crc(const uint8_t *blob, uint32_t file_size)
{
	static const uint8_t zeros[4] = {0, 0, 0, 0};
	uint32_t crc = ht_crc32(0, blob, 12);
	crc = ht_crc32(crc, zeros, 4);
	return ht_crc32(crc, blob + 16, file_size - 16u);
}

int ht_check_header(ht_model *m, const uint8_t *blob, uint32_t size, uint16_t *section_count)
{
	if (size < HT_HEADER_BYTES)
		return HT_E_TRUNCATED;
	if (blob[0] != magic[0] || blob[1] != magic[1] || blob[2] != magic[2] || blob[3] != magic[3])
		return HT_E_MAGIC;
	uint16_t version = ht_ld16(blob + 4);
	if (version != HT_VERSION_1 && version != HT_VERSION_2)
		return HT_E_VERSION;
	uint32_t file_size = ht_ld32(blob + 8);
	if (size < file_size)
		return HT_E_TRUNCATED;
	uint16_t count = ht_ld16(blob + 16);
	if (size > file_size || ht_ld16(blob + 18) != HT_HEADER_BYTES || count < 1 || count > HT_MAX_SECTIONS ||
	    file_size < HT_HEADER_BYTES + (uint32_t)HT_SECTION_ENTRY_BYTES * count || ht_ld32(blob + 20) != 0 ||
	    ht_ld32(blob + 24) != 0 || ht_ld32(blob + 28) != 0)
		return HT_E_SIZE;
	if (blob_crc(blob, file_size) != ht_ld32(blob + 12))
		return HT_E_CRC;
	m->blob = blob;
	m->size = file_size;
	m->version = version;
	*section_count = count;
	return HT_OK;
}
