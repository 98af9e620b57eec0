/* vk-dst.h: Danmarks Statistik's fintælling XML for a folketingsvalg or a folkeafstemning.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A DST folder holds fintal.xml (the index: landsdele, storkredse,
 * opstillingskredse and afstemningsområder, each with its result file)
 * and the result files fintal_<id>.xml.  The readers take the votes from
 * the opstillingskreds files (DST's published folders do not always hold
 * every area's file: the 2015 folkeafstemning lacks 53), and check:
 *  - every result file is of the election the index names (ValgNavn) and
 *    of the place the index says (Sted Id and Type);
 *  - every area is listed once, in one opstillingskreds, and every
 *    opstillingskreds is in a storkreds of a landsdel of the index;
 *  - where an opstillingskreds's area files are all present, they add up
 *    to the kreds file (a missing kreds file is replaced by that sum), and
 *    a storkreds file, when present, equals the sum of its kredse.
 * Errors are VK_ERROR_INVALID (or VK_ERROR_IO) and name the file and line.
 */
#pragma once

#include <glib.h>

#include "vk-fa.h"
#include "vk-fv.h"

G_BEGIN_DECLS

typedef enum
{
  VK_DST_FOLKETINGSVALG,
  VK_DST_FOLKEAFSTEMNING,
} VkDstKind;

/* The folder with fintal.xml: dir itself, or its only subfolder that has
 * one (an unpacked tarball).  NULL and VK_ERROR_NOT_FOUND without. */
char *vk_dst_find_folder (const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Whether dir (or its only subfolder) holds a fintal.xml. */
gboolean vk_dst_is_folder (const char *dir);

/* A folketingsvalg: the votes per storkreds (named as DST names them, each
 * with its landsdel), parties by letter and independent candidates by
 * name. */
VkFvVotes *vk_dst_read_fv (const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A folkeafstemning (one question: the answers JA and NEJ). */
gboolean vk_dst_read_fa (const char *dir, VkFaTotals *ret, GError **error);

/* An afstemningsområde of the index, with its kreds and storkreds. */
typedef struct
{
  char *id;   /* afstemningsomraade_id */
  char *name; /* "1. Østerbro" */
  char *path; /* its result file (which may be missing) */
  char *kreds_id;
  char *kreds_name;       /* "1. Rønne" */
  char *storkreds_name;   /* "Bornholms Storkreds" */
  guint storkreds_number; /* its place in fintal.xml, from 1 (valg.dk's Storkredsnummer) */
} VkDstArea;

void vk_dst_area_free (VkDstArea *self);
/* Every area of the index (VkDstArea*, in its order), checked as the
 * readers check it; *ret_valgnavn (may be NULL) the election's name. */
GPtrArray *vk_dst_list_areas (const char *dir, VkDstKind kind, char **ret_valgnavn,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkDstArea, vk_dst_area_free)

G_END_DECLS
