/* vk-seats.h: seat allocation for kommunal- and regionsrådsvalg (KRVL §§ 81–85).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The allocation follows docs/results.md:
 *  1. units: each valgforbund, each listeforbund (lists sharing a
 *     non-empty letter) outside a valgforbund, each other list; inside a
 *     valgforbund, lists sharing a letter form a listeforbund member;
 *  2. d'Hondt over the units with exact integer comparison, a unit never
 *     taking more seats than it has candidates (§ 81 stk. 3);
 *  3. d'Hondt again inside each unit, with the same cap (§§ 82–83);
 *  4. the global seat number (Nummer) is the order of step 2, each seat
 *     going to the member next in line inside its unit;
 *  5. candidates: sideordnet by personal votes (§ 85), partiliste by
 *     fordelingstal and listestemmer (§ 84), the ones reaching the
 *     fordelingstal taking the list's seats in ballot order, the rest
 *     after them by total votes; then the substitutes.
 * Equal quotients or equal personal votes that decide anything are a lot
 * draw (lodtrækning).  Draws are an input (VkLots); a draw that is needed
 * and not given stops the allocation with VK_ERROR_TIE and the tie.
 * Ties that only order substitutes do not stop it: they are ordered by
 * ballot position, provisionally, and listed in open_ties.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-results.h"

G_BEGIN_DECLS

/* ---- lot draws ---------------------------------------------------------
 * The file format: {"draws":[{"tied":["<id>","<id>"],"winner":"<id>"}]},
 * one draw per winner, in the order drawn; "tied" is the group still
 * undrawn.  Ids are ValgforbundId, KandidatlisteId or KandidatId; a
 * listeforbund outside a valgforbund is "listeforbund:<letter>" and one
 * inside valgforbund V is "listeforbund:<letter>:<V's id>". */
typedef struct _VkLots VkLots;

VkLots *vk_lots_new (void) G_GNUC_WARN_UNUSED_RESULT;
void vk_lots_free (VkLots *self);
/* tied is NULL-terminated; winner must be one of them. */
void vk_lots_add (VkLots *self, const char *const *tied, const char *winner);
VkLots *vk_lots_load (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
guint vk_lots_get_n_draws (const VkLots *self);
char *vk_lots_to_json (const VkLots *self) G_GNUC_WARN_UNUSED_RESULT;

typedef enum
{
  VK_TIE_UNITS,       /* equal quotients between units (§ 81 stk. 2) */
  VK_TIE_MEMBERS,     /* equal quotients inside a valgforbund or listeforbund (§§ 82–83) */
  VK_TIE_CANDIDATES,  /* equal personal votes deciding who is elected, or their order (§ 85) */
  VK_TIE_SUBSTITUTES, /* equal personal votes ordering substitutes only */
} VkTieKind;

typedef struct
{
  VkTieKind kind;
  GPtrArray *tied;   /* char*: the ids still undrawn, in ballot order */
  char *description; /* e.g. "list C, seat 5 of the list: 11 personal votes each: Jim Linderod, Michael M. Hansen" */
} VkTie;

void vk_tie_free (VkTie *self);

/* ---- the allocation ---------------------------------------------------- */

typedef struct
{
  VkCandidate *candidate;
  guint64 personal_votes;
  guint64 list_votes; /* listestemmer allocated to the candidate (partiliste) */
  gboolean elected;
  guint seat; /* global Nummer; 0 when not elected */
  guint rank; /* elected: NummerAnførtPåListen; substitute: its Nummer among Stedfortrædere */
} VkCandidateOutcome;

typedef struct
{
  VkList *list;
  guint64 votes;      /* the list's total */
  guint64 list_votes; /* listestemmer */
  guint seats;
  guint64 quota;          /* fordelingstal (partiliste with seats), else 0 */
  GPtrArray *elected;     /* VkCandidateOutcome*, in the list's seat order */
  GPtrArray *substitutes; /* VkCandidateOutcome*, ranked */
} VkListOutcome;

typedef struct
{
  guint number; /* Nummer, from 1 */
  VkList *list;
  VkCandidate *candidate; /* NULL when the count has no personal votes */
} VkSeat;

typedef struct
{
  const VkElection *election; /* borrowed: must outlive the allocation */
  VkResultKind kind;
  guint n_seats;
  gboolean has_candidates; /* candidates were elected (the count had personal votes) */
  GPtrArray *seats;        /* VkSeat*, by number */
  GPtrArray *lists;        /* VkListOutcome*, in ballot order */
  GPtrArray *open_ties;    /* VkTie*, substitute ties ordered provisionally */
} VkSeatAllocation;

/* Allocates n_seats (0: election->seats) from the municipality's totals.
 * On a needed lot draw that lots does not give: NULL, VK_ERROR_TIE, and
 * (when ret_tie is not NULL) the tie.  A draw in lots that matches no tie
 * is an error (VK_ERROR_INVALID): a lot file must not say more than was
 * drawn. */
VkSeatAllocation *vk_seats_allocate (const VkElection *election, guint n_seats, const VkAreaResult *totals,
                                     const VkLots *lots, VkTie **ret_tie, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_seat_allocation_free (VkSeatAllocation *self);
VkListOutcome *vk_seat_allocation_lookup_list (const VkSeatAllocation *self, const char *list_id);
/* The outcome of the candidate who holds seat (its votes, its rank on the
 * list); NULL when the count had no personal votes. */
const VkCandidateOutcome *vk_seat_allocation_lookup_elected (const VkSeatAllocation *self, const VkSeat *seat);

/* valg.dk's mandatfordeling shape (ListeMandater, PersonligeMandater,
 * Kandidatliste with Stedfortrædere), pretty-printed. */
char *vk_seat_allocation_to_json (const VkSeatAllocation *self) G_GNUC_WARN_UNUSED_RESULT;

/* The sign of a/b − c/d for b, d > 0, computed exactly. */
int vk_seats_compare_quotients (guint64 a, guint64 b, guint64 c, guint64 d);

/* d'Hondt for n_seats over n parties, each capped (cap NULL: no cap).
 * Fills ret_order (n_seats party indexes, in seat order) and returns
 * TRUE; FALSE when a tie decides a seat or the caps leave seats over.
 * The plain method, for tests and benchmarks; the allocation itself
 * resolves ties with lot draws. */
gboolean vk_seats_dhondt (const guint64 *votes, const guint *cap, guint n, guint n_seats, guint *ret_order);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkLots, vk_lots_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTie, vk_tie_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkSeatAllocation, vk_seat_allocation_free)

G_END_DECLS
