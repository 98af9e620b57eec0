/* vk-tally.h: counting at the station and at the fintælling tables.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A count of one area is entered twice, by two people, independently
 * (Kiesraad Abacus's double entry).  Each entry is a `tally` journal
 * entry (round 1 or 2); the two are compared field by field, and only
 * when they agree and no blocking message remains can the valgstyrere
 * sign it off (`tally.signoff`).  Either round can be entered again to
 * correct it: the latest entry of a round counts.  Everything is a fold
 * over the journal, so the state survives a crash exactly.
 *
 * The checks are numbered messages with a Danish and English text and
 * one fixed "what to do" (docs/counting.md lists them):
 *   errors (blocking):  T01 cast ≠ valid + blank + other invalid,
 *                       T02 Σ list votes ≠ valid,
 *                       T03 list total ≠ listestemmer + Σ personal votes (fintælling),
 *                       T04 received ≠ cast + unused + returned (when counted),
 *                       T05 invalid reason counts do not add up;
 *   warnings:           T10 blank or invalid above 3 % of cast,
 *                       T11 cast ≠ marked voters (an explanation is required to sign off),
 *                       T12 cast is zero, T13 cast exceeds eligible voters,
 *                       T14 two lists with the same non-zero votes in a
 *                           fintælling block copied from another (typical copy error).
 */
#pragma once

#include <glib.h>

#include "vk-counts.h"
#include "vk-station.h"

G_BEGIN_DECLS

typedef enum
{
  VK_TALLY_EMPTY,     /* nothing entered */
  VK_TALLY_FIRST,     /* round 1 entered, waiting for round 2 */
  VK_TALLY_DIFFERENT, /* both entered, they differ */
  VK_TALLY_AGREED,    /* both entered and equal: can be signed off */
  VK_TALLY_SIGNED,    /* signed off: final */
} VkTallyState;

typedef enum
{
  VK_MESSAGE_ERROR,   /* blocking: you cannot go on */
  VK_MESSAGE_WARNING, /* check the paper, then go on */
} VkMessageSeverity;

typedef struct
{
  char *code; /* "T01" */
  VkMessageSeverity severity;
  char **fields; /* the counts fields concerned ("cast", "lists.<id>", …) */
  char *text_da;
  char *text_en;
  char *action_da; /* the one fixed thing to do */
} VkTallyMessage;

void vk_tally_message_free (VkTallyMessage *self);

/* The checks of one count.  marked_voters is check-ins + accepted
 * brevstemmer (-1 when unknown, e.g. at fintælling); eligible the area's
 * eligible voters (0 when unknown).  Returns VkTallyMessage*, errors first. */
GPtrArray *vk_tally_validate (const VkAreaResult *counts, const VkBallotAccount *ballots, gint64 marked_voters,
                              guint64 eligible) G_GNUC_WARN_UNUSED_RESULT;
gboolean vk_tally_messages_have_errors (GPtrArray *messages);

/* The double entry of one (kind, area), folded from journal entries. */
typedef struct _VkTally VkTally;

VkTally *vk_tally_new (VkResultKind kind, guint area) G_GNUC_WARN_UNUSED_RESULT;
void vk_tally_free (VkTally *self);
/* Applies one journal entry (others than tally/tally.signoff of this
 * kind and area are ignored). */
void vk_tally_apply (VkTally *self, const VkEntry *entry);
/* Folds every entry of a journal. */
VkTally *vk_tally_fold (GPtrArray *entries, VkResultKind kind, guint area) G_GNUC_WARN_UNUSED_RESULT;

VkTallyState vk_tally_get_state (const VkTally *self);
/* The counts of round 1 or 2 (NULL when not entered), and who entered them. */
VkCbor *vk_tally_get_round (const VkTally *self, guint round, const char **ret_by);
/* Fields in which the rounds differ (empty unless VK_TALLY_DIFFERENT). */
GPtrArray *vk_tally_get_differences (const VkTally *self);
/* The signed-off counts, or NULL. */
VkCbor *vk_tally_get_signed (const VkTally *self);

const char *vk_tally_kind_to_string (VkResultKind kind); /* "foreloebig", "fintaelling" */

/* Station actions: each journals one entry and returns its seq (0 with error). */

/* `poll.close`: no check-in after it. */
guint64 vk_tally_close_poll (VkStation *station, GError **error);
/* Enters one round for an area: a valgbord counts its own area
 * (foreløbig), a fintælling table any area (fintælling).  Round 2 must be by someone else than round 1; a
 * signed-off count cannot be changed. */
guint64 vk_tally_enter (VkStation *station, VkResultKind kind, guint area, guint round, const char *by,
                        const VkAreaResult *counts, const VkBallotAccount *ballots, GError **error);

typedef struct
{
  const char *name;     /* the valgstyrer's name */
  const VkKeypair *key; /* the valgstyrer's own key (role valgstyrer), unlocked with their passphrase; may be NULL */
} VkSigner;

/* Signs off the agreed count: refused unless both rounds agree, no
 * error message remains, at least two different signers are given and,
 * when cast ≠ marked voters, an explanation is given.  With signer keys,
 * each signer's COSE_Sign1 over ["valgkit-signoff-v1", election id,
 * kind, area, SHA-256 of the counts] is journaled beside the names. */
guint64 vk_tally_sign_off (VkStation *station, VkResultKind kind, guint area, const VkSigner *signers, guint n_signers,
                           const char *explanation, gint64 marked_voters, guint64 eligible, GError **error);

/* The payload a valgstyrer signs (exposed for the audit). */
GBytes *vk_tally_signoff_payload (const guint8 election_id[32], VkResultKind kind, guint area,
                                  const guint8 counts_digest[32]) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTally, vk_tally_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTallyMessage, vk_tally_message_free)

G_END_DECLS
