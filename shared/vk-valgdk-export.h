/* vk-valgdk-export.h: one polling area's result as valg.dk publishes it.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valg.dk's open data service publishes each polling area's count of a
 * kommunalvalg or regionsrådsvalg as one JSON file in the shape of its
 * "KVRV-Valgresultater" schema (../shared/data/valgdk-schemas/): the
 * foreløbig optælling on election night (list totals, blank and invalid
 * votes: "ForeløbigOptælling") and the fintælling the day after (also
 * listestemmer and every candidate's personal votes: "Fintælling").
 * vk_valgdk_area_result_to_json() writes a VkAreaResult in that shape, so
 * that anything that reads valg.dk's files (valgkit's own importer,
 * vk_area_result_import(), among them) reads ours.  docs/results.md,
 * "valg.dk area files", lists every field and where it comes from.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-results.h"
#include "vk-valgdk-previous.h"

G_BEGIN_DECLS

/* The folketingsvalg geography of an area, which valg.dk writes in every
 * FV-, EV- and FA-Valgresultater file (null in KV and RV files): the
 * storkreds (its name and number, 1–10) and the opstillingskreds (its
 * name and DAGI id, as decimal text).  NULL members and 0 are null. */
typedef struct
{
  const char *storkreds;
  guint storkreds_number;
  const char *opstillingskreds;
  const char *opstillingskreds_dagi_id;
} VkValgdkPlace;

/* The file name of an area's result: "<Kommunekode>-<area number, 3
 * digits>.json", e.g. "825-015.json" (the prefix of the official files'
 * names in ../shared/data/rv2025).  One folder holds one contest's one
 * kind of count: KV and RV files of an area have the same name. */
char *vk_valgdk_area_file_name (const VkElection *contest, const VkArea *area,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The KVRV-Valgresultater JSON (UTF-8, compact) of result, the count of
 * area in contest (KV or RV; municipality and Kommunekode are the
 * event's, which a contest carries).  approved_ms is when the count was
 * approved (ms since the Unix epoch) for GodkendelsesDatoUTC, or -1 for
 * null; FrigivelsesTidspunktUTC is now.  Lists are written in ballot order
 * with the contest's names and letters; at fintælling every candidate of a
 * list is written, with 0 for one the result has no votes for.  Errors
 * (VK_ERROR_INVALID) name the area and the field: a contest that is not
 * KV or RV, no Kommunekode or date, an area without an
 * AfstemningsområdeDagiId, a result of another area, a list or candidate
 * that is not in the contest, a number beyond the schema's int32. */
char *vk_valgdk_area_result_to_json (const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                                     gint64 approved_ms, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same, with the "…DifferenceFraForrigeValg" members computed from
 * previous (the previous election's files, vk-valgdk-previous.h; NULL or
 * an area or list it does not have: null). */
char *vk_valgdk_area_result_to_json_full (const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                                          gint64 approved_ms, const VkValgdkPrevious *previous,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes that JSON to dir/vk_valgdk_area_file_name() atomically: to a
 * ".partial" file first, fsynced, then renamed over any earlier file (and
 * the folder fsynced), so that a reader of dir sees the old file or the
 * new one, never half of one.  dir must exist.  On success and when
 * ret_path is not NULL, *ret_path is the file's path. */
gboolean vk_valgdk_write_area_result (const char *dir, const VkElection *contest, const VkArea *area,
                                      const VkAreaResult *result, gint64 approved_ms, char **ret_path, GError **error);

/* The delivery folder's versions.  A file that valg.dk collects is never
 * edited: each version is its own file, dir/<stem>.v<N>.json (N from 1),
 * and a corrected count is version N + 1.  vk_valgdk_write_version()
 * writes json as the next version (atomically, and refusing to replace a
 * file that is there), unless the latest version already says the same
 * (every member but FrigivelsesTidspunktUTC): then nothing is written and
 * *ret_written is FALSE.  *ret_version and *ret_path name the version now
 * latest.  dir is created when missing. */
gboolean vk_valgdk_write_version (const char *dir, const char *stem, const char *json, guint *ret_version,
                                  gboolean *ret_written, char **ret_path, GError **error);
/* The highest N of dir/<stem>.v<N>.json, 0 when none; *ret_path (may be
 * NULL) its path. */
guint vk_valgdk_latest_version (const char *dir, const char *stem, char **ret_path);
/* The same for dir/<stem>.v<N><ext> (ext ".vkv"). */
guint vk_valgdk_latest_version_ext (const char *dir, const char *stem, const char *ext, char **ret_path);

/* Whether the file at latest_path (the latest version, read as untrusted)
 * already holds what a new version would. */
typedef gboolean (*VkValgdkSameFunc) (const char *latest_path, gpointer user_data);
/* vk_valgdk_write_version() for any file (the signed municipality result,
 * dir/<stem>.v<N>.vkv): writes data (len bytes) as the next version
 * dir/<stem>.v<N+1><ext>, atomically and never over a file that is there,
 * unless same (latest, user_data) says the latest version already holds
 * it; the rest as vk_valgdk_write_version() (which is this with ".json"
 * and "every member but FrigivelsesTidspunktUTC"). */
gboolean vk_valgdk_write_version_data (const char *dir, const char *stem, const char *ext, const void *data, gsize len,
                                       VkValgdkSameFunc same, gpointer user_data, guint *ret_version,
                                       gboolean *ret_written, char **ret_path, GError **error);

G_END_DECLS
