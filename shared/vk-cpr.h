/* vk-cpr.h: CPR numbers, handled without keeping them.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A brevstemmemodtager may find the voter by CPR number (DDMMYY-SSSS).
 * valgkit uses the number only to derive the birth date (and so narrow
 * the search) and to compute a keyed hash for the journal; the number
 * itself is never stored.  Since 2007 some valid CPR numbers fail the
 * modulus-11 check, so that check is never made.
 *
 * The hash key.  The journal's `cpr_hash` (docs/journal-format.md, J6) is
 * HMAC-SHA-256 under a key derived from the election id:
 *
 *   key = SHA-256 ("valgkit-cpr-key-v1" || election_id)
 *
 * WEAKNESS: the election id is not secret (every station, the count
 * server and every auditor holds the package), and the CPR space is tiny
 * (for a known birth date about 10,000 numbers, and the birth date is on
 * the valgliste).  Anyone holding the package and a journal can therefore
 * recover the CPR number behind a hash in milliseconds.  The hash only
 * keeps the number from a casual reader of a journal without the
 * package.  A real secret key (random, held by the valgsekretariat,
 * carried in the package encrypted or in a separate file) would fix
 * this; it needs a package format change (docs/valgkort.md, "CPR").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VK_CPR_HASH_BYTES 32

/* Accepts DDMMYY-SSSS, DDMMYYSSSS or with a space; writes the ten digits
 * (NUL-terminated) into ret_digits.  VK_ERROR_INVALID when the shape is
 * wrong or DDMMYY with the century from digit 7 is not a real date. */
gboolean vk_cpr_normalize (const char *text, char ret_digits[11], GError **error);
/* The birth date (YYYY-MM-DD) of a normalised CPR number, with the
 * century from the seventh digit (CPR-kontoret's table); NULL when not a
 * real date. */
char *vk_cpr_birth_date (const char *digits) G_GNUC_WARN_UNUSED_RESULT;
/* HMAC-SHA-256 of the ten digits under the key above. */
void vk_cpr_hash (const char *digits, const guint8 election_id[32], guint8 ret_hash[VK_CPR_HASH_BYTES]);

G_END_DECLS
