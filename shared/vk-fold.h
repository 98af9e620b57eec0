/* vk-fold.h: the fold of verified journal entries into per-area state.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "vk-journal.h"
#include "vk-package.h"
#include "vk-results.h"

G_BEGIN_DECLS

/* ---- the fold ------------------------------------------------------------ */
typedef struct _VkFold VkFold;

/* A fold for one election (the package is borrowed and must outlive it). */
VkFold *vk_fold_new (VkPackage *package, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_fold_free (VkFold *self);

/* Adds one verified entry (the caller verified signature and chain).
 * Entries of one device must come in seq order; devices may interleave.
 * An entry whose device is not enrolled or that vk_entry_schema_check()
 * or vk_entry_schema_check_decision() refuses is recorded for D03 and
 * otherwise ignored; an entry with a device+seq already folded and
 * another hash is recorded as a fork (D02).  A repeat of the same entry
 * is ignored.  vk_fold_add() also returns FALSE with the refusal
 * (VK_ENTRY_ERROR, or VK_ERROR_FORK) so a caller can stop on it. */
gboolean vk_fold_add (VkFold *self, const VkEntry *entry, GError **error);
void vk_fold_add_entry (VkFold *self, const VkEntry *entry);
/* The same for an entry that vk_entry_schema_check() (or
 * vk_entry_schema_check_entries()) has accepted already, with the device
 * and election of the package this fold was made for: the check is a
 * function of those three alone, so the count server, which checks a
 * batch before its lock, does not run it a second time under the lock.
 * Everything else (forks, the decision check, the fold) is the same. */
void vk_fold_add_schema_checked (VkFold *self, const VkEntry *entry);
/* The election the fold was made for (borrowed). */
const VkElection *vk_fold_get_election (VkFold *self);
/* The highest seq of device_id folded (0: none). */
guint64 vk_fold_get_held_seq (VkFold *self, const char *device_id);

/* ---- a voter's state ------------------------------------------------------
 * What the station asks at the table, answered in O(1) per voter from
 * indexes the fold keeps as entries come: a check-in stands until a
 * `checkin.undo` of the same area and løbenummer withdraws it (in
 * whichever order the two are folded); the first `brevstemme.received`
 * and the first `brevstemme.decision` held for an envelope are its
 * brevstemme and its decision; a voter is marked by a brevstemme when
 * an envelope's decision accepts it. */
typedef struct
{
  const char *device_id; /* interned */
  guint64 seq;
  guint64 time_ms;
  gboolean assisted;
  gboolean search; /* found by search, not by scanning the valgkort */
  gboolean paper;  /* a `checkin.paper`: marked on a printed valgliste (J6) */
} VkFoldCheckin;

/* The voter's standing check-ins in the order folded (VkFoldCheckin), a
 * new array; empty for an area not of the election. */
GArray *vk_fold_dup_standing (VkFold *self, guint area, guint loebenummer) G_GNUC_WARN_UNUSED_RESULT;
guint vk_fold_count_standing (VkFold *self, guint area, guint loebenummer);
/* TRUE when device#seq is a check-in that stands; its area and løbenummer. */
gboolean vk_fold_lookup_standing (VkFold *self, const char *device_id, guint64 seq, guint *ret_area,
                                  guint *ret_loebenummer);
/* The envelope whose decision accepted the voter's brevstemme (borrowed), or NULL. */
const char *vk_fold_get_accepted_envelope (VkFold *self, guint area, guint loebenummer);
/* Envelopes received for the voter, cancelled ones not counted. */
guint vk_fold_count_voter_brevstemmer (VkFold *self, guint area, guint loebenummer);
/* Calls func for every voter of area (0: every area) with a standing
 * check-in, with them in the order folded. */
typedef void (*VkFoldStandingFunc) (guint area, guint loebenummer, const VkFoldCheckin *checkins, guint n_checkins,
                                    gpointer user_data);
void vk_fold_foreach_standing (VkFold *self, guint area, VkFoldStandingFunc func, gpointer user_data);

/* One brevstemme (an envelope) and its decision; strings borrowed from the fold. */
typedef struct
{
  const char *envelope;
  const char *device_id;
  guint64 seq;
  guint64 time_ms;
  guint area;
  guint loebenummer;
  const char *place;
  const char *const *receivers;
  guint64 cast_ms;
  gboolean decided;
  gboolean accepted;
  guint reason;
  const char *const *valgstyrere;
  const char *decided_by;
  gboolean cancelled; /* withdrawn by a `brevstemme.cancel` of the receiving device */
  const char *cancel_reason;
  gboolean outside_window;
} VkFoldBrevstemme;

gboolean vk_fold_get_brevstemme (VkFold *self, const char *envelope, VkFoldBrevstemme *ret_brevstemme);
/* The voter's envelopes (VkFoldBrevstemme) in the order received, a new array. */
GArray *vk_fold_dup_voter_brevstemmer (VkFold *self, guint area, guint loebenummer) G_GNUC_WARN_UNUSED_RESULT;
/* Calls func for every envelope received for area (0: every area). */
typedef void (*VkFoldBrevstemmeFunc) (const VkFoldBrevstemme *brevstemme, gpointer user_data);
void vk_fold_foreach_brevstemme (VkFold *self, guint area, VkFoldBrevstemmeFunc func, gpointer user_data);
/* One `tally` or `tally.signoff` held; borrowed from the fold. */
typedef struct
{
  const char *device_id;
  guint64 seq;
  gboolean signoff;
  guint round; /* 1 or 2; 0 for a sign-off */
  const char *by;
  VkCbor *counts;
  const char *contest; /* the contest's id ("KV", "RV") */
} VkFoldTally;

typedef void (*VkFoldTallyFunc) (const VkFoldTally *tally, gpointer user_data);
/* Calls func for the tallies and sign-offs of contest (its id; NULL: the
 * primary) and kind for area in the order folded (device_id NULL: every
 * device's). */
void vk_fold_foreach_tally (VkFold *self, guint area, const char *contest, VkResultKind kind, const char *device_id,
                            VkFoldTallyFunc func, gpointer user_data);
/* A `ballot.doubtful` of a device and the decisions on it (the ones the
 * fold accepted: vk_entry_schema_check_decision()); borrowed. */
typedef struct
{
  guint64 seq;
  guint64 time_ms;
  guint area;
  guint64 count;
  const char *note;
  guint64 decided;
  const char *contest; /* the contest's id */
} VkFoldDoubtful;

typedef struct
{
  guint64 seq;
  guint64 time_ms;
  guint64 ref;
  guint64 count;
  VkCbor *decision; /* the J6 `decision` map */
} VkFoldDoubtDecision;

typedef void (*VkFoldDoubtfulFunc) (const VkFoldDoubtful *doubtful, const VkFoldDoubtDecision *decisions,
                                    guint n_decisions, gpointer user_data);
/* Calls func for each `ballot.doubtful` device_id wrote for area (0:
 * every area; area by area, each in the order folded). */
void vk_fold_foreach_doubtful (VkFold *self, const char *device_id, guint area, VkFoldDoubtfulFunc func,
                               gpointer user_data);
/* TRUE when a `poll.close` of area is held. */
gboolean vk_fold_is_closed (VkFold *self, guint area);

typedef enum
{
  VK_REFUSAL_INTEGRITY, /* bad signature, broken chain, malformed: D01 */
  VK_REFUSAL_ENROLMENT, /* unknown device, wrong key, outside role or area: D03 */
  VK_REFUSAL_ELECTION,  /* another election's journal: D01 */
} VkRefusalKind;

/* A batch someone refused (the count server's records, an audit's
 * verification failures).  seq 0 when unknown. */
void vk_fold_add_refusal (VkFold *self, VkRefusalKind kind, const char *device_id, guint64 seq, const char *source,
                          const char *reason);
/* Batches refused that no enrolled key vouches for (forged, unsigned,
 * unparsable, unknown device): they say nothing about any device, so
 * they are only counted (D21).  batches in all, from sources senders. */
void vk_fold_set_unverified (VkFold *self, guint64 batches, guint sources, const char *examples);
/* Fork evidence found elsewhere (the count server's fork table). */
void vk_fold_add_fork (VkFold *self, const char *device_id, guint64 seq);

/* What the fold knows of one area (for status pages). */
typedef struct
{
  guint area;
  guint64 checkins; /* check-ins not undone */
  guint64 undos;
  guint64 brevstemmer;          /* brevstemme.received entries, cancelled ones not counted */
  guint64 brevstemmer_accepted; /* distinct voters with an accepted brevstemme */
  guint64 brevstemmer_rejected;
  guint64 last_entry_ms;    /* latest entry time of a device of this area (0: none) */
  guint n_devices;          /* devices whose entries name this area */
  gboolean closed;          /* a poll.close was journalled */
  guint foreloebig_tallies; /* tally entries */
  guint fintaelling_tallies;
  gboolean foreloebig_signed;
  gboolean fintaelling_signed;
} VkFoldAreaSummary;

/* FALSE when area is not an area of the election (or contest not one of
 * its contests).  The counts' fields are contest's (NULL: the primary);
 * check-ins and brevstemmer are the event's. */
gboolean vk_fold_get_area_summary (VkFold *self, guint area, const char *contest, VkFoldAreaSummary *ret_summary);
/* Devices (char*, sorted) whose entries name this area; free with g_ptr_array_unref. */
GPtrArray *vk_fold_dup_area_devices (VkFold *self, guint area) G_GNUC_WARN_UNUSED_RESULT;
/* The result from the latest `tally.signoff` of contest (NULL: the
 * primary) and kind for area, or NULL (with error VK_ERROR_NOT_FOUND)
 * when there is none. */
VkAreaResult *vk_fold_dup_result (VkFold *self, guint area, const char *contest, VkResultKind kind,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The time of that latest sign-off (ms), or 0 when there is none. */
guint64 vk_fold_get_signoff_time (VkFold *self, guint area, const char *contest, VkResultKind kind);
/* The number of entries folded. */
guint64 vk_fold_get_n_entries (VkFold *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFold, vk_fold_free)

G_END_DECLS
