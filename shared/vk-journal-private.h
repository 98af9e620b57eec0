/* vk-journal-private.h: what the files of the journal module share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-journal.h"

G_BEGIN_DECLS

/* Reads an entry's payload (bytes, size: the deterministic CBOR array
 * [1, election_id, device_id, seq, prev, time_ms, type, body]) into self
 * without a CBOR tree for its first seven items (vk-journal-payload.c).
 * Takes the items it decodes from *budget, as the decoder would.  FALSE,
 * with self and *budget untouched, for anything the general path
 * (entry_parse_payload() in vk-journal.c) might refuse: that path then
 * decodes it again and says what is wrong. */
G_GNUC_INTERNAL gboolean vk_journal_payload_read_fixed (VkEntry *self, const guint8 *bytes, gsize size,
                                                        guint64 *budget);

G_END_DECLS
