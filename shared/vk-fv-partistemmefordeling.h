/* vk-fv-partistemmefordeling.h: valg.dk's Partistemmefordeling, one file per opstillingskreds.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valg.dk-schemas/Partistemmefordeling.schema.json: per opstillingskreds,
 * each party's votes there (Stemmer) and, per candidate, the personal
 * votes there and the party votes allotted there (TildeltePartistemmer).
 * The numbers are those vk_fv_elect() computed (VkFvPartyRank.kredse:
 * whole votes by largest remainder, adding up to the kreds's party votes);
 * nothing is counted a second time here.  Ids, names, DAGI ids, the
 * storkreds's name and number and the party names are the
 * FV-Kandidatdata's.  docs/folketingsvalg.md, "Partistemmefordeling".
 */
#pragma once

#include <glib.h>

#include "vk-fv-elected.h"
#include "vk-fv.h"

G_BEGIN_DECLS

typedef struct
{
  char *stem; /* "Partistemmefordeling-<Storkredsnummer>-<DagiId>-<name in ASCII>" */
  char *json; /* the file's content (UTF-8, compact) */
} VkFvPsfFile;

void vk_fv_psf_file_free (VkFvPsfFile *self);

/* One VkFvPsfFile per opstillingskreds of the results, storkreds by
 * storkreds in the results' order.  released_ms: FrigivelsesTidspunktUTC
 * (ms since the Unix epoch).  Refused (VK_ERROR_INVALID), naming the
 * FV-Kandidatdata file and the entry: a kreds of the results that no
 * entry of the storkreds's file names (by OpstillingskredsDagiId, else by
 * Opstillingskreds), two kredse of the results matched to one, a
 * Storkredsnummer that is not a number, a number beyond int32. */
GPtrArray *vk_fv_partistemmefordeling_build (const VkFvAllocation *alloc, const VkFvElected *elected,
                                             gint64 released_ms, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes each file to dir/<stem>.v<N>.json with vk_valgdk_write_version()
 * (atomic; a new version only when the content changed; dir created when
 * missing).  *ret_written (may be NULL): the files written now. */
gboolean vk_fv_partistemmefordeling_write (const char *dir, GPtrArray *files, guint *ret_written, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvPsfFile, vk_fv_psf_file_free)

G_END_DECLS
