/* vk-dst-valgdk.h: Danmarks Statistik's per-area XML as valg.dk FV- and FA-Valgresultater files.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DST publishes a folketingsvalg or folkeafstemning per afstemningsområde
 * (vk-dst.h); valg.dk's national result system takes one JSON file per
 * area (vk-valgdk-fv.h).  DST's files do not name the municipality, so
 * the caller names it and the opstillingskredse whose areas it reports.
 * What DST does not publish is written as documented in
 * docs/folketingsvalg.md ("valg.dk-filer fra DST"): AfstemningsområdeDagiId
 * and OpstillingskredsDagiId are DST's ids, the areas are numbered 1, 2 …
 * in the index's order, every blank vote is a blank in-person vote and
 * the other invalid votes are not split by reason, a candidate's Id is
 * "<PartiId>-<n>" (DST gives names only), and the result is a fintælling.
 */
#pragma once

#include <glib.h>

#include "vk-dst.h"
#include "vk-election.h"
#include "vk-results.h"

G_BEGIN_DECLS

/* One municipality's areas of a DST folder as a contest and its results. */
typedef struct
{
  VkElection *contest; /* FV or FA: municipality, date, lists, candidates, areas */
  GPtrArray *results;  /* VkAreaResult*, one per area of contest, in order */
  GPtrArray *places;   /* VkDstArea*, the DST area of each result */
} VkDstMunicipality;

void vk_dst_municipality_free (VkDstMunicipality *self);

/* Reads the areas of the opstillingskredse named in kredse (as fintal.xml
 * names them, with or without the leading "1. ") as municipality
 * kommunekode (decimal) named kommune.  Every file is checked as
 * vk_dst_read_fv() checks it (the election, the place, the parties adding
 * up to the valid votes, the personal votes to each party's).  Refused,
 * naming the file: a kreds fintal.xml does not have, a missing area file. */
VkDstMunicipality *vk_dst_read_municipality (const char *dir, VkDstKind kind, const char *kommunekode,
                                             const char *kommune, const char *const *kredse,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Every area of m as a valg.dk file (VkValgdkFile*: "<kode>-<nnn>.json"
 * and its JSON), e.g. to sign with vk_valgdk_result_write(). */
GPtrArray *vk_dst_municipality_to_valgdk_files (const VkDstMunicipality *m, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes every area of m as dir/<kommunekode>-<nnn>.v<N>.json
 * (vk_valgdk_write_version(): atomic, a new version only when the content
 * changed).  *ret_n_written (may be NULL): the files written. */
gboolean vk_dst_municipality_write_valgdk (const VkDstMunicipality *m, const char *dir, guint *ret_n_written,
                                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkDstMunicipality, vk_dst_municipality_free)

G_END_DECLS
