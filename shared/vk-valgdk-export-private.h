/* vk-valgdk-export-private.h: what the valg.dk area files of every kind share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KVRV-, FV-, EV- and FA-Valgresultater differ only in how they give the
 * votes (Kandidatlister; IndenforParti and UdenforParti; StemmerForJa and
 * StemmerForNej); the rest of each file is the same members, written here
 * once (vk-valgdk-export.c).
 */
#pragma once

#include <json-glib/json-glib.h>

#include "vk-valgdk-export.h"

G_BEGIN_DECLS

/* Checks the contest, area and result (Kommunekode, date, area number
 * and DAGI id) and adds the members Valgdag … AntalStemmeberettigedeVælgere
 * to the object b is building.  *ret_prev (may be NULL): the previous
 * election's area, or NULL. */
gboolean vk_valgdk_add_area_members (JsonBuilder *b, const VkElection *contest, const VkArea *area,
                                     const VkAreaResult *result, const VkValgdkPlace *place,
                                     const VkValgdkPrevious *previous, const VkValgdkPreviousArea **ret_prev,
                                     GError **error);
/* Every list and candidate of the result must be the contest's, each
 * candidate on its own list; a list that is not names lists_field (the
 * member the kind writes its votes in). */
gboolean vk_valgdk_check_result_ids (const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                                     const char *lists_field, GError **error);
/* "valg.dk export of area N NAME: FIELD: WHAT" (VK_ERROR_INVALID); FALSE. */
gboolean vk_valgdk_export_fail (GError **error, const VkArea *area, const char *field, const char *what);
/* ms since the epoch as "dd-MM-yyyy HH:mm:ss" in UTC, valg.dk's time format. */
char *vk_valgdk_format_time_ms (gint64 ms) G_GNUC_WARN_UNUSED_RESULT;
/* The compact JSON of the object b has built. */
char *vk_valgdk_builder_to_data (JsonBuilder *b) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
