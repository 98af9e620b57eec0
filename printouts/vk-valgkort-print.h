/* vk-valgkort-print.h: the valgkort sent to every voter, two A5 cards to an A4 sheet.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card states what the official valgkort states: the voter's name and
 * address, the number on the valgliste (løbenummer), the afstemningsområde,
 * the polling place and its address, the election date and opening hours,
 * how to vote by brevstemme, and the code the station reads
 * (vk-valgkort.h) as a QR code with its readable form printed under it
 * (docs/valgkort.md, "The printed valgkort").  A test package's cards say
 * PRØVEVALG across the top of every card.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-package.h"
#include "vk-voters.h"

G_BEGIN_DECLS

/* The polling place of an area (afstemningssted). */
typedef struct
{
  guint area;
  char *name;    /* "Vestergårdsskolen, hallen" */
  char *address; /* "Vestergade 12, 8000 Aarhus C" */
} VkPollingPlace;

void vk_polling_place_free (VkPollingPlace *self);

/* The polling places CSV (docs/valgkort.md): a header naming the columns
 * afstemningsomraade, afstemningssted, adresse (any order; ',' or ';'
 * separated; '"' quoting on one line), one row per area.  Returns area
 * (GUINT_TO_POINTER) → VkPollingPlace*.  VK_ERROR_INVALID "FILE:LINE: what"
 * for a bad row, an area given twice or one not in election. */
GHashTable *vk_polling_places_parse (const char *name, const char *data, gsize len, const VkElection *election,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The order for mailing: area, then street, house number (numerically,
 * "14B" after "14"), the rest of the address, then løbenummer. */
int vk_valgkort_mailing_compare (const VkVoter *a, const VkVoter *b);
/* Sorts const VkVoter* in place by vk_valgkort_mailing_compare(). */
void vk_valgkort_sort_for_mailing (GPtrArray *voters);

/* Called after each sheet: cards done out of total. */
typedef void (*VkValgkortProgressFunc) (guint64 done, guint64 total, gpointer user_data);

typedef struct
{
  const VkElection *election; /* the event: date, municipality (its code goes into the barcode), areas, test flag */
  GHashTable *places;         /* from vk_polling_places_parse(); NULL or an area missing: the area's name only */
  const char *hours;          /* opening hours, NULL: "kl. 8.00–20.00" */
  gboolean test;              /* PRØVEVALG even if the election is not a test */
  VkValgkortProgressFunc progress;
  gpointer progress_data;
} VkValgkortPrint;

/* libharu holds a whole document in memory until it is written (about
 * 14 kB a card, measured: 25,000 cards took 340 MB); a file holds at most
 * this many cards, so that memory stays bounded (the largest Danish
 * areas have about 25,000 voters). */
#define VK_VALGKORT_MAX_CARDS_PER_FILE 30000u

/* Writes one card per voter (const VkVoter*, in the order given) to a
 * PDF at path, two to a page.  VK_ERROR_INVALID when the election has no
 * kommunekode, a voter's code cannot be formed, or there are more than
 * VK_VALGKORT_MAX_CARDS_PER_FILE voters. */
gboolean vk_valgkort_print_write (const VkValgkortPrint *self, GPtrArray *voters, const char *path, GError **error);

/* The text of the election day line: "tirsdag den 18. november 2025". */
char *vk_valgkort_print_day (const VkElection *election) G_GNUC_WARN_UNUSED_RESULT;

/* The paper of one area, for the demo: DIR/valgkort-omraade-NN.pdf (every
 * voter's valgkort, in mailing order) and DIR/valgliste-omraade-NN.pdf
 * (the blank valgliste).  area 0: the election's first area. */
gboolean vk_paper_print_area (VkPackage *package, guint area, const char *dir, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkPollingPlace, vk_polling_place_free)

G_END_DECLS
