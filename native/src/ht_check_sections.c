/* Section table checks run as passes in code order (6, 7, 8, 9, 10, then reserved words). */
#include "ht_bytes.h"
#include "ht_validate.h"

typedef struct {
	uint16_t type, align;
	uint32_t offset, length, reserved;
} section_entry;

static void read_entry(const ht_model *m, uint16_t i, section_entry *e)
{
	const uint8_t *p = m->blob + HT_HEADER_BYTES + (uint32_t)HT_SECTION_ENTRY_BYTES * i;
	e->type = ht_ld16(p);
	e->align = ht_ld16(p + 2);
	e->offset = ht_ld32(p + 4);
	e->length = ht_ld32(p + 8);
	e->reserved = ht_ld32(p + 12);
}

static int known_type(const ht_model *m, uint16_t type)
{
	return type >= HT_SEC_META && type <= (m->version == HT_VERSION_1 ? HT_SEC_QPARAMS : HT_SEC_SCALES);
}

static int check_bounds(const ht_model *m, uint16_t count)
{
	uint32_t table_end = HT_HEADER_BYTES + (uint32_t)HT_SECTION_ENTRY_BYTES * count;
	for (uint16_t i = 0; i < count; i++) {
		section_entry e;
		read_entry(m, i, &e);
		if (e.offset < table_end || (uint64_t)e.offset + e.length > m->size)
			return HT_E_SECTION_BOUNDS;
	}
	return HT_OK;
}

static int check_overlap(const ht_model *m, uint16_t count)
{
	for (uint16_t i = 0; i < count; i++) {
		section_entry a;
		read_entry(m, i, &a);
		for (uint16_t j = (uint16_t)(i + 1u); j < count && a.length; j++) {
			section_entry b;
			read_entry(m, j, &b);
			if (b.length && a.offset < b.offset + b.length && b.offset < a.offset + a.length)
				return HT_E_SECTION_OVERLAP;
		}
	}
	return HT_OK;
}

static int check_align(const ht_model *m, uint16_t count)
{
	if (((uintptr_t)m->blob & 3u) != 0)
		return HT_E_SECTION_ALIGN;
	for (uint16_t i = 0; i < count; i++) {
		section_entry e;
		read_entry(m, i, &e);
		if (e.align == 0 || e.align > 64 || (e.align & (e.align - 1u)) != 0 || e.offset % e.align != 0)
			return HT_E_SECTION_ALIGN;
		if (e.type == HT_SEC_QPARAMS && e.offset % 4u != 0)
			return HT_E_SECTION_ALIGN;
	}
	return HT_OK;
}

static int check_presence(const ht_model *m, uint16_t count)
{
	uint8_t seen[HT_SEC_COUNT] = {0};
	for (uint16_t i = 0; i < count; i++) {
		section_entry e;
		read_entry(m, i, &e);
		if (!known_type(m, e.type))
			continue;
		if (seen[e.type])
			return HT_E_SECTION_MISSING;
		seen[e.type] = 1;
	}
	return seen[HT_SEC_META] && seen[HT_SEC_PLAN] && (m->version == HT_VERSION_1 || seen[HT_SEC_SCALES])
	           ? HT_OK
	           : HT_E_SECTION_MISSING;
}

static int check_types(const ht_model *m, uint16_t count)
{
	for (uint16_t i = 0; i < count; i++) {
		section_entry e;
		read_entry(m, i, &e);
		if (!known_type(m, e.type))
			return HT_E_SECTION_TYPE;
	}
	return HT_OK;
}

static int check_reserved(const ht_model *m, uint16_t count)
{
	for (uint16_t i = 0; i < count; i++) {
		section_entry e;
		read_entry(m, i, &e);
		if (e.reserved != 0)
			return HT_E_PARAM;
	}
	return HT_OK;
}

int ht_check_sections(ht_model *m, uint16_t count)
{
	int (*const passes[])(const ht_model *, uint16_t) = {
		check_bounds, check_overlap, check_align, check_presence, check_types, check_reserved,
	};
	for (size_t p = 0; p < sizeof passes / sizeof passes[0]; p++) {
		int st = passes[p](m, count);
		if (st != HT_OK)
			return st;
	}
	for (uint16_t i = 0; i < count; i++) {
		section_entry e;
		read_entry(m, i, &e);
		m->sec[e.type] = m->blob + e.offset;
		m->sec_len[e.type] = e.length;
	}
	return HT_OK;
}
