/* vk-valgdk-previous.h: the previous election's area results, for the
 * "…DifferenceFraForrigeValg" members of valg.dk's result files.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valg.dk's KVRV-Valgresultater files give, for each area, the change
 * since the previous election of the same kind: votes cast, valid,
 * invalid, blank, eligible voters and each list's votes.  A municipality
 * that wants those numbers gives the previous election's own result files
 * (one folder of valg.dk JSON, e.g. KV2021's fintaelling/); an area is
 * matched on its AfstemningsområdeDagiId (area numbers change between
 * elections, DAGI ids are stable) and a list on its Bogstavbetegnelse
 * (list ids are new each election).  What is not matched stays null,
 * which the schema allows.  docs/results.md, "valg.dk".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gint64 dagi_id;
  gint64 cast;          /* AfgivneStemmer */
  gint64 valid;         /* GyldigeStemmer */
  gint64 other_invalid; /* UgyldigeStemmerUdoverBlanke */
  gint64 blank;         /* BlankeUgyldigeFremmødteStemmer + BlankeUgyldigeBrevstemmer */
  gint64 eligible;      /* AntalStemmeberettigedeVælgere */
  GHashTable *letters;  /* Bogstavbetegnelse (owned) → gint64* Stemmer (owned) */
} VkValgdkPreviousArea;

typedef struct _VkValgdkPrevious VkValgdkPrevious;

/* Reads every *.json in dir (each a valg.dk …-Valgresultater file, at
 * most VK_FILE_MAX_JSON_BYTES, at most 10,000 files).  Errors
 * (VK_ERROR_INVALID, VK_ERROR_IO) name the file and the member; two files
 * of the same DAGI id are an error. */
VkValgdkPrevious *vk_valgdk_previous_load (const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_valgdk_previous_free (VkValgdkPrevious *self);
/* The area of that DAGI id (text, as VkArea holds it), or NULL. */
const VkValgdkPreviousArea *vk_valgdk_previous_lookup (const VkValgdkPrevious *self, const char *dagi_id);
guint vk_valgdk_previous_get_n_areas (const VkValgdkPrevious *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkValgdkPrevious, vk_valgdk_previous_free)

G_END_DECLS
