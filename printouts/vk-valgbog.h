/* vk-valgbog.h: the valgbog (afstemningsbog) of one polling area.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the valgstyrere record on election day, printed from the
 * station's journal: opening, staff, times (a restart is named as one,
 * a corrected entry as a correction), personal assistance, undone
 * check-ins with their reasons, the brevstemmer received, accepted,
 * rejected (by reason) and undecided, the ballot accounting, the
 * reconciliation of ballots in the urn with marked voters (with the
 * written explanation of any difference), the foreløbig count with
 * invalid ballots by reason, signature lines (name and date) for every
 * valgstyrer present, the journal head, and a
 * QR code signed by the station's device key.  The QR is the result
 * summary of vk-result-sheet.h with the domain "valgkit-valgbog-v1", the
 * journal head as its source digest and the valgbog's own fields in its
 * extra map (docs/result-sheet-format.md).
 */
#pragma once

#include <glib.h>

#include "vk-counts.h"
#include "vk-keys.h"
#include "vk-printout.h"
#include "vk-result-sheet.h"
#include "vk-tally.h"

G_BEGIN_DECLS

#define VK_VALGBOG_DOMAIN "valgkit-valgbog-v1"

typedef struct
{
  const char *name;
  const char *role; /* "Valgstyrer (formand)", "Valgstyrer", "Tilforordnet vælger", … */
} VkValgbogPerson;

typedef struct
{
  gint64 time;      /* Unix seconds */
  const char *text; /* "Urnerne vist tomme", "Afstemningen lukket", … */
} VkValgbogEvent;

typedef struct
{
  const char *name;
  gint64 time;       /* when they signed off (Unix seconds), 0 if unknown */
  gboolean with_key; /* signed with their own key (vk_tally_sign_off) */
} VkValgbogSignoff;

/* An undone check-in: when, at which table, the voter's løbenummer and
 * the valgstyrer's reason. */
typedef struct
{
  gint64 time; /* Unix seconds */
  const char *table;
  guint loebenummer;
  const char *reason;
} VkValgbogUndo;

/* One contest's section of the valgbog of a joint event (KV + RV): its
 * count, ballots, explanation and sign-off. */
typedef struct
{
  const VkElection *contest;      /* the contest (its lists and name) */
  const VkAreaResult *result;     /* its foreløbig count */
  const VkBallotAccount *ballots; /* may be NULL or not present */
  const char *explanation;        /* may be NULL */
  const VkValgbogSignoff *signoffs;
  guint n_signoffs;
} VkValgbogContest;

typedef struct
{
  VkPrintoutInfo info;
  const VkKeypair *key;           /* the station device's key: signs the QR */
  const char *device_id;          /* the device whose journal this is */
  const VkAreaResult *result;     /* the foreløbig count (area number and name too) */
  const VkBallotAccount *ballots; /* may be NULL or not present */
  gint64 opened_at;               /* Unix seconds, 0 if unknown */
  gint64 closed_at;
  const VkValgbogPerson *staff;
  guint n_staff;
  const VkValgbogEvent *events;
  guint n_events;
  guint64 checkins;        /* check-ins not undone */
  guint64 brevstemmer;     /* accepted brevstemmer */
  const char *explanation; /* the written explanation of a difference; may be NULL */
  const VkValgbogSignoff *signoffs;
  guint n_signoffs;
  /* What the journal adds (printed when journal_record is set): personal
   * assistance, undone check-ins and the brevstemmer by outcome. */
  gboolean journal_record;
  guint64 assisted; /* standing check-ins with personlig bistand */
  const VkValgbogUndo *undos;
  guint n_undos;
  guint64 brev_received;
  guint64 brev_accepted;
  guint64 brev_rejected;
  guint64 brev_undecided;
  guint64 brev_rejected_by_reason[8]; /* by reason 1–7 ([0]: unknown) */
  guint64 journal_seq;                /* the head entry's seq */
  const guint8 *journal_head;         /* 32 bytes: SHA-256 of the head entry's payload */
  /* A joint event: one section per contest, each with its own counts,
   * explanation, sign-off and signed QR (whose extra map names the
   * contest).  When set, result, ballots, explanation and signoffs above
   * are not used; when not, they are the one contest (info.election). */
  const VkValgbogContest *contests;
  guint n_contests;
} VkValgbog;

/* The signed summary printed as the valgbog's QR (of its first contest). */
VkResultSummary *vk_valgbog_summary_new (const VkValgbog *self) G_GNUC_WARN_UNUSED_RESULT;
/* The same of contest i (0 ≤ i < n_contests, or 0 without contests); in
 * a joint event the extra map holds "contest" ("KV", "RV"). */
VkResultSummary *vk_valgbog_contest_summary_new (const VkValgbog *self, guint i) G_GNUC_WARN_UNUSED_RESULT;
gboolean vk_valgbog_write (const VkValgbog *self, const char *path, GError **error);
/* The valgbog of a valgbord's signed-off foreløbig count, assembled from
 * its journal (vk_tally_dup_record(): staff, events, counts, explanation,
 * sign-off, journal head) and written to dir/afstemningsbog-<device>.pdf.  In a
 * joint event (KV + RV) it covers every contest, one section each, and is
 * written once every contest of the area is signed off.  Returns the path
 * written, or NULL with the record's error (VK_TALLY_ERROR_WRONG_TABLE at
 * another role, VK_TALLY_ERROR_NOT_SIGNED before a contest's sign-off) or
 * the PDF's. */
char *vk_valgbog_write_station (VkStation *station, const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same written to path; test: PRØVEVALG on every page (also set for
 * a test election, vk_printout_election_is_test()). */
gboolean vk_valgbog_write_station_to (VkStation *station, const char *path, gboolean test, GError **error);
/* Reassembles, verifies against the device's public key and decodes
 * the valgbog's QR texts; the extra map holds "device", "journal_seq",
 * "checkins", "brevstemmer", "opened", "closed" and, when counted,
 * "received", "unused", "returned". */
VkResultSummary *vk_valgbog_qr_decode (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES],
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
