/* vk-cpr.h: CPR numbers, handled without keeping them.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A brevstemmemodtager may find the voter by CPR number (DDMMYY-SSSS).
 * valgkit uses the number only to derive the birth date (to narrow the
 * search and to check it against the chosen voter's); the number is
 * never stored, and nothing derived from it is journaled.  An earlier
 * version journaled a `cpr_hash` keyed by the election id: every reader
 * of a journal holds the package, and with the birth date about 10,000
 * candidates remain, so it gave the number back in milliseconds
 * (docs/valgkort.md, "CPR numbers").  Since 2007 some valid CPR numbers
 * fail the modulus-11 check, so that check is never made.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Accepts DDMMYY-SSSS, DDMMYYSSSS or with a space; writes the ten digits
 * (NUL-terminated) into ret_digits.  VK_ERROR_INVALID when the shape is
 * wrong or DDMMYY with the century from digit 7 is not a real date. */
gboolean vk_cpr_normalize (const char *text, char ret_digits[11], GError **error);
/* The birth date (YYYY-MM-DD) of a normalised CPR number, with the
 * century from the seventh digit (CPR-kontoret's table); NULL when not a
 * real date. */
char *vk_cpr_birth_date (const char *digits) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
