/* vk-journal-private.h: what the files of the journal module share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-journal.h"

G_BEGIN_DECLS

/* Parses self->payload (the payload array) into self's fields, body and
 * hash, taking the items it decodes from *budget; the caller prefixes
 * errors (vk-journal-payload.c). */
G_GNUC_INTERNAL gboolean vk_journal_payload_parse (VkEntry *self, guint64 *budget, GError **error);

G_END_DECLS
