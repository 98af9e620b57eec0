/* vk-valgliste.h: the printed valgliste of an area (the paper fallback), blank or marked.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cover page with the totals, then the voters in løbenummer order, a
 * fixed number of rows to a page, each row with a box to mark; every page
 * header names the area (and the table's part) and "Side x/y".  A marked
 * list carries, in the box, the time each voter had been checked in (or
 * "brev" for an accepted brevstemme) by a given time, from the journals:
 * for when the laptops fail at noon and the tables go on on paper.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-fold.h"
#include "vk-package.h"
#include "vk-voters.h"

G_BEGIN_DECLS

#define VK_VALGLISTE_ROWS_PER_PAGE 40

typedef struct
{
  const VkElection *election;
  guint area;
  guint table;    /* 0: the whole list; else table of n_tables */
  guint n_tables; /* the list split into n_tables ranges of løbenumre */
  gboolean test;  /* PRØVEVALG even if the election is not a test */
  /* A marked list: løbenummer (GUINT_TO_POINTER) → the mark ("10.42",
   * "brev"), and when (ms) it was made; NULL for a blank list. */
  GHashTable *marks;
  guint64 marked_at_ms;
  gint64 printed_at; /* Unix seconds for "Udskrevet"; 0: now */
} VkValgliste;

/* The part of the area's voters (VkVoterList of the area, any order) a
 * table gets: the løbenumre sorted and cut into n_tables contiguous
 * ranges of nearly equal size; table is 1..n_tables (0: all).
 * Returns const VkVoter* borrowed from voters, in løbenummer order. */
GPtrArray *vk_valgliste_select (const VkVoterList *voters, guint area, guint table,
                                guint n_tables) G_GNUC_WARN_UNUSED_RESULT;

/* Writes the list (voters from vk_valgliste_select()) as a PDF. */
gboolean vk_valgliste_write (const VkValgliste *self, GPtrArray *voters, const char *path, GError **error);

/* The marks of a marked list: every voter of area with a check-in
 * (`checkin` or `checkin.paper`) standing at at_ms, or an accepted
 * brevstemme decided by then, from the journal files (*.vkj) in dir,
 * each verified against package (a journal that does not verify is an
 * error naming the file).  Entries after at_ms are not folded. */
GHashTable *vk_valgliste_marks_from_journals (VkPackage *package, guint area, const char *dir, guint64 at_ms,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The fold of journals (a GPtrArray of GPtrArray of VkEntry, each a
 * device's entries in seq order, already verified), entries after at_ms
 * left out. */
VkFold *vk_valgliste_fold_entries (VkPackage *package, GPtrArray *journals, guint64 at_ms,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The marks of area in fold (see vk_valgliste_marks_from_journals()). */
GHashTable *vk_valgliste_marks_from_fold (VkFold *fold, guint area) G_GNUC_WARN_UNUSED_RESULT;

/* The fold of the journal files (*.vkj) in dir, each verified against
 * package (an error names the file), entries after at_ms left out
 * (G_MAXUINT64: all). */
VkFold *vk_valgliste_fold_journals (VkPackage *package, const char *dir, guint64 at_ms,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* "HH:MM" on the election day, Danish time, as ms since the epoch. */
gboolean vk_valgliste_parse_at (const VkElection *election, const char *hhmm, guint64 *ret_ms, GError **error);

G_END_DECLS
