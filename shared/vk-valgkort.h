/* vk-valgkort.h: the valgkort barcode, parsed in one place.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the barcode on a real Danish valgkort encodes is not public, so
 * valgkit defines its own code (docs/valgkort.md): the kommunekode, the
 * afstemningsområde number and the løbenummer, in one of two forms:
 *
 *   VK1-751-09-001234   readable form (what valgkit prints, Code 128)
 *   751090001234        digits only: 3 + 2 + 7 digits, for scanners
 *                       set up for numeric codes
 *
 * A scanner "types" the code followed by Enter, so surrounding white
 * space is ignored and the prefix is accepted in any case.  A scanner
 * set to another keyboard layout types another character for '-': the
 * separators '+', '_' and '/' are accepted too (VK1+751+09+001234).  Every other
 * module that reads or writes a valgkort code goes through here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint municipality; /* kommunekode, e.g. 751 (Aarhus) */
  guint area;         /* afstemningsområde number, >= 1 */
  guint loebenummer;  /* number on the area's valgliste, >= 1 */
} VkValgkort;

#define VK_VALGKORT_MAX_MUNICIPALITY 999u
#define VK_VALGKORT_MAX_AREA 99u
#define VK_VALGKORT_MAX_LOEBENUMMER 9999999u

/* TRUE when text has the shape of a valgkort code (either form), even
 * if a field is out of range, and for anything starting with "VK" (any
 * case): such text is a code, or an error that says so.  Lets a search field tell a scanned code
 * from a typed løbenummer without parsing twice. */
gboolean vk_valgkort_looks_like (const char *text);
/* Parses either form.  VK_ERROR_INVALID naming the field otherwise
 * (wrong prefix, a missing or non-digit field, a field out of range or
 * zero).  ret_card is written only on success. */
gboolean vk_valgkort_parse (const char *text, VkValgkort *ret_card, GError **error);
/* The readable form "VK1-MMM-AA-LLLLLL" (løbenummer zero-padded to at
 * least six digits); NULL when a field is out of range. */
char *vk_valgkort_format (guint municipality, guint area, guint loebenummer) G_GNUC_WARN_UNUSED_RESULT;
/* The digits-only form "MMMAALLLLLLL"; NULL when a field is out of range. */
char *vk_valgkort_format_digits (guint municipality, guint area, guint loebenummer) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
