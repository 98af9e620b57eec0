/* vk-tally-form.h: one count being typed in, checked as it is typed.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkTallyForm is the model behind a count entry form (the app's
 * foreløbig form at the valgbord, the fintælling form at a counting
 * table).  It holds every number of the count, built from the election:
 * all lists, for the fintælling their listestemmer and every
 * candidate's personal votes, and every invalid-ballot reason.  Setting
 * one field updates only the sums that field is part of (its list's
 * personal votes, Σ lists or Σ reasons), so that checking the form after
 * a keystroke costs O(lists), not O(candidates): a list of 40
 * candidates stays responsive (docs/performance.md).
 *
 * Field names are those of the counts map (docs/journal-format.md, J6)
 * and of the checks' messages: "received", "unused", "returned", "cast",
 * "valid", "blank_fremmoedte", "blank_brev", "invalid" (the other
 * invalid ballots in total), "invalid.<code>" (2–13, 22–32),
 * "lists.<KandidatlisteId>" (the list's total), and for the fintælling
 * "listestemmer.<KandidatlisteId>" and "candidates.<KandidatId>".
 *
 * The fintælling breaks every invalid ballot down by reason (T05).  A
 * foreløbig count may give the total only, as valg.dk's election-night
 * files mostly do: with no reason typed the count is "not broken down"
 * (reason code 0 in the counts map).
 */
#pragma once

#include <glib.h>

#include "vk-tally.h"

G_BEGIN_DECLS

typedef struct _VkTallyForm VkTallyForm;

/* The reason codes of other invalid ballots, in the order of the form:
 * 2–13 (in person), 22–32 (postal). */
const guint *vk_tally_form_invalid_codes (guint *ret_n);

/* An empty form (every number 0) for a count of one area.  The election
 * is borrowed and must outlive the form. */
/* election is the contest counted (a VkElection of the event, e.g.
 * vk_election_get_contest (election, "RV")); vk_tally_form_enter() journals
 * the count for that contest. */
VkTallyForm *vk_tally_form_new (const VkElection *election, VkResultKind kind, guint area) G_GNUC_WARN_UNUSED_RESULT;
void vk_tally_form_free (VkTallyForm *self);

VkResultKind vk_tally_form_get_kind (const VkTallyForm *self);
guint vk_tally_form_get_area (const VkTallyForm *self);

/* Sets one field.  ret_list_id (optional, borrowed) is the list whose
 * computed total the change touches (lists., listestemmer. and
 * candidates. fields), else NULL.  An unknown field is VK_ERROR_NOT_FOUND. */
gboolean vk_tally_form_set (VkTallyForm *self, const char *field, guint64 value, const char **ret_list_id,
                            GError **error);
/* 0 for an unknown field. */
guint64 vk_tally_form_get (const VkTallyForm *self, const char *field);
gboolean vk_tally_form_has_field (const VkTallyForm *self, const char *field);

/* Listestemmer + Σ personal votes of a list (fintælling). */
guint64 vk_tally_form_get_computed_total (const VkTallyForm *self, const char *list_id);
/* Σ list totals. */
guint64 vk_tally_form_get_lists_sum (const VkTallyForm *self);
/* Σ other invalid ballots by reason. */
guint64 vk_tally_form_get_invalid_sum (const VkTallyForm *self);

/* Every number back to 0. */
void vk_tally_form_clear (VkTallyForm *self);
/* Fills the form from a counts map (a round entered before, to correct
 * it).  Fields the map lacks are 0. */
gboolean vk_tally_form_load (VkTallyForm *self, const VkCbor *counts, GError **error);

/* The checks (vk_tally_validate()) over the form, from the kept sums. */
GPtrArray *vk_tally_form_validate (const VkTallyForm *self, gint64 marked_voters,
                                   guint64 eligible) G_GNUC_WARN_UNUSED_RESULT;

/* The reconciliation the form shows as it is typed (vk_counts_reconcile():
 * the same sums as the checks).  marked_voters -1 when unknown. */
void vk_tally_form_reconcile (const VkTallyForm *self, gint64 marked_voters, VkCountReconciliation *ret);
/* The differences of the form (the fintælling being typed) from the
 * area's foreløbig count (vk_counts_compare(): the comparison of rule
 * D08): a new array of VkCountDifference*, first = foreløbig, second =
 * this form. */
GPtrArray *vk_tally_form_dup_compare (const VkTallyForm *self,
                                      const VkAreaResult *foreloebig) G_GNUC_WARN_UNUSED_RESULT;

/* The count as entered.  The ballot accounting is present when any of
 * received, unused and returned is not 0. */
const VkAreaResult *vk_tally_form_get_result (const VkTallyForm *self);
const VkBallotAccount *vk_tally_form_get_ballots (const VkTallyForm *self);

/* Journals the form as round 1 or 2 (vk_tally_enter()); refused with
 * VK_TALLY_ERROR_CHECK_FAILED while a blocking check fails (the message
 * starts with its code, "T01: …"), since an entry that does not add up
 * cannot be signed off anyway. */
guint64 vk_tally_form_enter (const VkTallyForm *self, VkStation *station, guint round, const char *by, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTallyForm, vk_tally_form_free)

G_END_DECLS
