/* vk-entry-schema.h: what each role may write (the J6 body schema).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "vk-journal.h"
#include "vk-package.h"
#include "vk-results.h"

G_BEGIN_DECLS

/* ---- checks on a single entry --------------------------------------------
 * What an entry may say, given the device that wrote it: the body must
 * have the J6 fields of its type with the right types (VK_ERROR_INVALID
 * naming the field; an unknown type is VK_ERROR_INVALID too), and the
 * device's role and area must allow it (VK_ERROR_KEY), e.g. only a
 * brevstemmested or hjemmebesoeg device may write `brevstemme.received`,
 * a valgbord only check-ins of its own area, tallies `foreloebig` only by
 * a valgbord or optaelling, `fintaelling` only by a fintaelling device.
 * The count server refuses a batch with such an entry; the fold records
 * it as D03. */
/* With an election (may be NULL), areas must be the election's and tally
 * counts must name its lists and candidates. */
gboolean vk_rules_check_entry (const VkDevice *device, const VkElection *election, const VkEntry *entry,
                               GError **error);

/* A counts map (J6 "Counts map") as an area result.  VK_ERROR_INVALID
 * naming the key when a value has the wrong type or an id is not a list or
 * candidate of election. */
VkAreaResult *vk_rules_counts_to_result (const VkElection *election, VkResultKind kind, guint area,
                                         const VkCbor *counts, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
