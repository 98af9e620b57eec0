/* vk-count-export.h: the count server's journals as files, for the audit.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-count.h"

G_BEGIN_DECLS

/* Writes every journal the server holds, its own included, as
 * DIR/<device>.vkj (CBOR sequences, written atomically).  Returns the
 * number of files written, or -1 with error. */
gint vk_count_export_journals (VkCount *self, const char *dir, GError **error);

/* Writes each area's signed-off count of one contest ("KV", "RV"; NULL:
 * the primary) and kind in valg.dk's KVRV-Valgresultater shape as
 * DIR/<kommunekode>-<area number, 3 digits>.json (written atomically; a
 * corrected count replaces the file), GodkendelsesDatoUTC from its
 * sign-off.  Areas without a signed-off count are skipped.  Returns the
 * number of files written, or -1 with error.  docs/results.md. */
gint vk_count_export_valgdk (VkCount *self, const char *contest, VkResultKind kind, const char *dir, GError **error);

G_END_DECLS
