/* vk-count-export.h: the count server's journals as files, for the audit.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-count.h"
#include "vk-keys.h"

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

/* The signed municipality result of one contest (the RV result the
 * region tallies: docs/region.md): every area's signed-off count of kind,
 * signed with server_key (this server's enrolled key) at time_ms (0: now,
 * which must lie in the server's enrolment window), with the server's
 * enrolment, written atomically to path.  Refused while an area of the
 * contest has no signed-off count. */
gboolean vk_count_write_contest_result (VkCount *self, const char *contest, VkResultKind kind,
                                        const VkKeypair *server_key, guint64 time_ms, const char *path, GError **error);

G_END_DECLS
