/* vk-fv-valgdk.h: valg.dk's FV-Valgresultater files (one per afstemningsområde) as votes per storkreds.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every *.json file of the folder is one area's result
 * (valgdk-schemas/FV-Valgresultater.schema.json).  Refused, naming the
 * file and field: a file of another election (Valgart), a file without
 * results (IngenResultater) or a folder that mixes foreløbig and
 * fintælling, an area given twice, an area or opstillingskreds in two
 * kredse, a storkreds the seat table does not have, parties that do not
 * add up to GyldigeStemmer.  valg.dk names storkredse "Fyn" where DST
 * and the table say "Fyns Storkreds": both are accepted.
 */
#pragma once

#include <glib.h>

#include "vk-fv.h"

G_BEGIN_DECLS

VkFvVotes *vk_fv_valgdk_read (const char *dir, const VkFvTable *table, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The table's storkreds for valg.dk's name ("Fyn" → "Fyns Storkreds"); -1 without. */
gint vk_fv_valgdk_find_storkreds (const VkFvTable *table, const char *name);

/* The same from the municipalities' signed results (VkContestResult*, each
 * read and verified by vk_valgdk_result_read() with contest "FV"): every
 * area file they hold, with the same checks (an area in two
 * municipalities' results is an area given twice).  Messages name the
 * municipality and the file. */
VkFvVotes *vk_fv_valgdk_read_signed (GPtrArray *results, const VkFvTable *table,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
