/* vk-station.h: the station engine (no GTK).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkStation is one enrolled device at work: its election package, its
 * journal database and its unlocked key.  Every action is a journal
 * entry, and the station's state is a fold over the journals it holds:
 * its own and those of other devices it has received (sync between the
 * tables of a polling station, brevstemme journals, USB).  Restarting
 * replays them all, so what the UI shows is exactly what is on disk.
 *
 * Roles (docs/journal-format.md):
 *   valgbord        checks voters of its area in, decides delivered brevstemmer
 *   brevstemmested  receives brevstemmer at Borgerservice
 *   hjemmebesoeg    receives brevstemmer in homes, care homes, hospitals, prisons
 *
 * Rules that belong to the law are here, not in the UI: a voter is
 * checked in once (any table of the area), not after an accepted
 * brevstemme, only on this area's list; an undo needs a valgstyrer and a
 * reason; brevstemmer follow KRVL § 71 (see vk_station_assess_brevstemme()).
 * A request that breaks one of them is refused with a VK_STATION_ERROR
 * code (vk-station-error.h), one per rule.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-entry-schema.h"
#include "vk-fold.h"
#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"
#include "vk-station-error.h"
#include "vk-voter-index.h"

G_BEGIN_DECLS

typedef struct _VkStation VkStation;

typedef enum
{
  VK_CHECKIN_SCAN,   /* valgkort barcode */
  VK_CHECKIN_SEARCH, /* found by name, birth date or address */
} VkCheckinMethod;

/* Opens (or creates) the device database at db_path for the enrolled
 * device device_id, whose key must match its enrolment, replays every
 * journal it holds, indexes the package's voters for search and
 * journals a `device.open` entry.  The package is borrowed and must
 * outlive the station. */
VkStation *vk_station_open (VkPackage *package, const char *db_path, const char *device_id, const VkKeypair *key,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, sharing the voter search index of another station of the
 * same package (building it takes seconds on a large list; the demo
 * opens hundreds of stations).  shared_index may be NULL. */
VkStation *vk_station_open_shared (VkPackage *package, VkVoterIndex *shared_index, const char *db_path,
                                   const char *device_id, const VkKeypair *key,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The station's voter index (borrowed). */
VkVoterIndex *vk_station_get_voter_index (VkStation *self);
void vk_station_close (VkStation *self);

VkJournal *vk_station_get_journal (VkStation *self);

/* Batched durability (vk-station-durable.c), for a replay that writes
 * many entries with nobody waiting on each (`valgkit demo`).  Off, the
 * default and what the station app uses: every entry is durable (fsynced)
 * when the call that wrote it returns.  On: every entry is still committed
 * atomically and in order when its call returns, but made durable only by
 * vk_station_sync(); a power loss may lose the entries since the last
 * sync, never reorder or damage them.  The caller must sync before any of
 * them leaves the device (a push, an export).  Turning it off syncs. */
gboolean vk_station_set_batched_durability (VkStation *self, gboolean batched, GError **error);
gboolean vk_station_get_batched_durability (VkStation *self);
/* Makes every entry of the station's journal durable (a full WAL
 * checkpoint, fsynced).  FALSE with error (nothing is then known durable
 * beyond the last successful sync) if the checkpoint could not finish. */
gboolean vk_station_sync (VkStation *self, GError **error);
const VkDevice *vk_station_get_device (VkStation *self);
const VkElection *vk_station_get_election (VkStation *self);
const VkVoterIndex *vk_station_get_index (VkStation *self);
/* The device's area, VK_PACKAGE_NO_AREA for brevstemme teams. */
guint vk_station_get_area (VkStation *self);
const VkKeypair *vk_station_get_key (VkStation *self);
VkPackage *vk_station_get_package (VkStation *self);
/* The station's state: the shared fold over every journal folded (borrowed). */
VkFold *vk_station_get_fold (VkStation *self);
/* Appends an entry to the station's journal (for the engine's other
 * modules: tally, brevstemmer) and folds it into the state.  Returns the
 * entry. */
VkEntry *vk_station_append (VkStation *self, const char *type, VkCbor *body, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Journals `poll.close`; check-ins are refused from then on (at every
 * table of the area that holds the entry).  VK_STATION_ERROR_WRONG_ROLE
 * when the device is not a valgbord, _ALREADY_CLOSED the second time. */
guint64 vk_station_close_poll (VkStation *self, GError **error);
/* The same with a valgstyrer's written explanation (valgstyrer mode)
 * for closing while brevstemmer are undecided: journaled in the
 * entry as "explanation" with "undecided": their number. */
guint64 vk_station_close_poll_explained (VkStation *self, const char *explanation, GError **error);
gboolean vk_station_is_poll_closed (VkStation *self);

/* The session's operator is a valgstyrer (may undo check-ins).  The
 * station does not authenticate people: the app asks, and the journal
 * records who gave the reason. */
void vk_station_set_valgstyrer (VkStation *self, gboolean valgstyrer);
gboolean vk_station_get_valgstyrer (VkStation *self);

/* Guards at the table (issue 13).  With the guards on, the station runs
 * the count server's date rules (D10, D13, D17: shared/vk-rules.c) before
 * the irreversible steps:
 *   - a check-in, poll.close or foreløbig tally.signoff on a day that is
 *     not election day (Danish time; a foreløbig sign-off may also be the
 *     day after, a fintælling sign-off within D10's seven days) is refused
 *     with VK_STATION_ERROR_WRONG_DATE until a valgstyrer confirms
 *     (vk_station_confirm_date()); the entries then carry "wrong_date":
 *     true and "confirmed_by": the valgstyrer's name;
 *   - a brevstemme cast after the deadline of the brevstemme window is
 *     refused (_TOO_LATE: it cannot count, KRVL; D13), one cast before the
 *     window opens is _OUTSIDE_WINDOW until confirmed ("outside_window":
 *     true, "confirmed_by");
 *   - poll.close and a foreløbig sign-off are refused while brevstemmer
 *     of the area are received and undecided (_UNDECIDED_BREVSTEMMER: D17
 *     at the table), unless a valgstyrer writes an explanation
 *     (vk_station_close_poll_explained());
 *   - a check-in of a voter with a received, undecided brevstemme needs a
 *     valgstyrer's confirmation (_UNCONFIRMED_BREVSTEMME,
 *     vk_station_check_in_full()).
 * The guards are off by default (tools, tests and the demo's replays
 * work on any date); the station app turns them on
 * (vk_station_set_guards_default()). */
void vk_station_set_guards_default (gboolean on);
void vk_station_set_guards (VkStation *self, gboolean on);
gboolean vk_station_get_guards (VkStation *self);
/* The journal clock's Danish day is the election's date (TRUE without a date). */
gboolean vk_station_is_election_day (VkStation *self);
/* A valgstyrer (valgstyrer mode, else _NOT_VALGSTYRER; a name, else
 * _NO_REASON) confirms working off the date for the rest of the day:
 * until the Danish day of the journal clock changes or the station is
 * closed. */
gboolean vk_station_confirm_date (VkStation *self, const char *valgstyrer, GError **error);
/* The name of today's confirmation, or NULL. */
const char *vk_station_get_date_confirmation (VkStation *self);
/* Received brevstemmer of area (0: all) without a decision, cancelled ones not counted. */
guint vk_station_count_undecided (VkStation *self, guint area);
/* The guards of a sign-off (for vk_tally_sign_off()): refuses as above,
 * and marks body when a confirmation was used. */
gboolean vk_station_check_signoff (VkStation *self, gboolean foreloebig, guint area, VkCbor *body, GError **error);

/* Search: vk_voter_index_search() with this device's area first. */
VkSearchResult *vk_station_search (VkStation *self, const char *query, guint limit,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Check-in. */

typedef enum
{
  VK_VOTER_FREE,       /* on this area's list, not marked: may be checked in */
  VK_VOTER_CHECKED_IN, /* a standing check-in (checkins says where and when) */
  VK_VOTER_BREVSTEMME, /* an accepted brevstemme marks the voter */
  VK_VOTER_OTHER_AREA, /* on another area's list in this package (area says which) */
  VK_VOTER_NOT_FOUND,  /* on no list of the package */
} VkVoterState;

/* One standing check-in. */
typedef struct
{
  char *device_id;
  guint64 seq;
  guint64 time_ms;
  gboolean assisted;
  VkCheckinMethod method;
} VkCheckinRef;

typedef struct
{
  VkVoterState state;
  guint area;
  guint loebenummer;
  const VkVoter *voter; /* borrowed from the index; NULL when not found */
  GPtrArray *checkins;  /* VkCheckinRef*, oldest first; more than one is a conflict (D04) */
  char *envelope;       /* VK_VOTER_BREVSTEMME: the accepted envelope */
  guint brevstemmer;    /* brevstemmer received for this voter (held journals) */
  /* The contests whose ballots the voter receives (borrowed VkElection*
   * of the station's event, in event order: vk_election_voter_contests()
   * of the voter's eligibility); empty when the voter is not found or may
   * receive none (a check-in is then refused, _NOT_ELIGIBLE). */
  GPtrArray *contests;
} VkVoterStatus;

/* "FV + FA": the ids of status->contests joined, for the table's message. */
char *vk_voter_status_dup_contests_label (const VkVoterStatus *self) G_GNUC_WARN_UNUSED_RESULT;

void vk_voter_status_free (VkVoterStatus *self);
void vk_checkin_ref_free (VkCheckinRef *self);

/* The voter's state as seen from this device.  For a device without an
 * area every voter of the package is "on the list". */
VkVoterStatus *vk_station_dup_voter_status (VkStation *self, guint area, guint loebenummer) G_GNUC_WARN_UNUSED_RESULT;

/* Marks a voter of the station's area and journals a `checkin`; the
 * entry is durable when this returns.  Refused (nothing journaled) with
 * VK_STATION_ERROR_NOT_ON_LIST when the løbenummer is not on the area's
 * list, _ALREADY_CHECKED_IN when the voter is checked in at any table
 * held (vk_station_dup_voter_status() says where and when),
 * _HAS_BREVSTEMME when an accepted brevstemme marks the voter,
 * _NOT_ELIGIBLE when the voter may receive none of the event's ballots
 * (the package's per-voter eligibility; the message names the contests
 * of the event),
 * _POLL_CLOSED after poll.close, _WRONG_ROLE when the device is not a
 * valgbord.  Returns the entry's seq. */
guint64 vk_station_check_in (VkStation *self, guint loebenummer, VkCheckinMethod method, gboolean assisted,
                             GError **error);
/* The same; confirm_brevstemme: a valgstyrer (valgstyrer mode, else
 * _NOT_VALGSTYRER) has seen that the voter has a received, undecided
 * brevstemme and lets the voter vote in person (the entry carries
 * "brevstemme_pending": true; the brevstemme is then rejected, reason
 * 5).  Without it such a check-in is _UNCONFIRMED_BREVSTEMME (guards on). */
guint64 vk_station_check_in_full (VkStation *self, guint loebenummer, VkCheckinMethod method, gboolean assisted,
                                  gboolean confirm_brevstemme, GError **error);
/* An undecided, uncancelled brevstemme of the voter is held. */
gboolean vk_station_has_undecided_brevstemme (VkStation *self, guint area, guint loebenummer);
/* Withdraws a standing check-in of this device (a `checkin.undo`). */
guint64 vk_station_undo_check_in (VkStation *self, guint64 checkin_seq, const char *reason, GError **error);
/* The same for a check-in of any device held (another table's).
 * Valgstyrer only (VK_STATION_ERROR_NOT_VALGSTYRER), a reason is required
 * (_NO_REASON), the check-in must be standing (_NOT_STANDING). */
guint64 vk_station_undo_check_in_at (VkStation *self, const char *device_id, guint64 checkin_seq, const char *reason,
                                     GError **error);
/* Voters of this area checked in now, at any table held. */
guint vk_station_get_checked_in_count (VkStation *self);
gboolean vk_station_is_checked_in (VkStation *self, guint loebenummer);
/* Voters of this area checked in now (at any table held) who were handed
 * the ballot of contest (NULL: the primary): the marked voters of that
 * contest's reconciliation under per-voter eligibility.  0 for a contest
 * the event does not have. */
guint vk_station_count_checked_in_for (VkStation *self, const char *contest);
/* The same for accepted brevstemmer of this area: those of voters who
 * receive contest's ballot. */
guint vk_station_count_brevstemmer_for (VkStation *self, const char *contest);

typedef struct
{
  guint eligible;             /* voters on this area's list */
  guint checked_in;           /* voters with a standing check-in, any table */
  guint assisted;             /* of those, with personlig bistand */
  guint brevstemmer_received; /* held for this area, decided or not */
  guint brevstemmer_accepted;
  guint brevstemmer_rejected;
  guint conflicts;    /* voters checked in more than once (D04) */
  double turnout;     /* (checked_in + brevstemmer_accepted) / eligible, 0 … 1 */
  guint per_hour[24]; /* standing check-ins by local hour */
} VkStationCounts;

void vk_station_get_counts (VkStation *self, VkStationCounts *ret_counts);
/* Voters of this area with more than one standing check-in (D04), as
 * VkVoterStatus*. */
GPtrArray *vk_station_dup_conflicts (VkStation *self) G_GNUC_WARN_UNUSED_RESULT;

/* Brevstemmer. */

/* vk_brevstemme_place_is_valid(): shared/vk-entry-schema.h. */

typedef struct
{
  guint area;
  guint loebenummer;
  const char *cpr;   /* optional DDMMYY-SSSS: must match the voter's birth date; only its keyed hash is journaled */
  const char *place; /* borgerservice, hjem, plejehjem, hospital, faengsel, andet */
  const char *const *receivers; /* NULL-terminated stemmemodtagere: two for hjem and plejehjem */
  guint64 cast_ms;              /* when it was cast; 0 = now */
} VkBrevstemmeInput;

/* Journals a `brevstemme.received` (roles brevstemmested, hjemmebesoeg)
 * and returns the envelope id ("<device>/<seq>").  Refused with
 * VK_STATION_ERROR_WRONG_ROLE for another role, _NOT_ON_LIST for a voter
 * on no list of the package, _NOT_ELIGIBLE for a voter who may receive
 * none of the event's ballots, _BAD_PLACE, _SAME_PERSON (a name given
 * twice), _TOO_FEW_RECEIVERS (two in hjem and plejehjem), _BAD_CPR or
 * _CPR_MISMATCH (a CPR number that does not match the voter). */
char *vk_station_receive_brevstemme (VkStation *self, const VkBrevstemmeInput *input, guint64 *ret_seq,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

typedef struct
{
  char *envelope;
  char *device_id; /* who received it */
  guint64 seq;
  guint64 received_ms; /* the entry's time */
  guint area;
  guint loebenummer;
  char *place;
  GStrv receivers;
  guint64 cast_ms;
  gboolean decided;
  gboolean accepted;
  guint reason; /* J6 rejection reason, 0 when accepted or undecided */
  GStrv valgstyrere;
  char *decided_by; /* device of the decision */
  gboolean cancelled;
  char *cancel_reason;
  gboolean outside_window; /* received with a valgstyrer's confirmation before the period */
} VkBrevstemme;

void vk_brevstemme_free (VkBrevstemme *self);

/* Cancels a brevstemme this device received for the wrong voter (or
 * registered twice): journals a `brevstemme.cancel` with the reason.
 * Roles brevstemmested and hjemmebesoeg (_WRONG_ROLE); the envelope must
 * be this device's (_NOT_CANCELLABLE), undecided (_NOT_CANCELLABLE) and
 * not cancelled (_CANCELLED); a reason is required (_NO_REASON).  A
 * cancelled brevstemme needs no decision, is no second brevstemme of the
 * voter (D06, D17) and cannot be decided. */
guint64 vk_station_cancel_brevstemme (VkStation *self, const char *envelope, const char *reason, GError **error);
/* Brevstemmer of the voter received by any device within window_ms
 * before now, cancelled ones not counted (a notice: registered twice?). */
guint vk_station_count_recent_brevstemmer (VkStation *self, guint area, guint loebenummer, guint64 window_ms);

/* Brevstemmer held for an area (0: all), ordered by cast time. */
GPtrArray *vk_station_dup_brevstemmer (VkStation *self, guint area) G_GNUC_WARN_UNUSED_RESULT;
/* NULL when the envelope is not held. */
VkBrevstemme *vk_station_dup_brevstemme (VkStation *self, const char *envelope) G_GNUC_WARN_UNUSED_RESULT;

/* The law applied to a delivered brevstemme (KRVL § 71, FVL § 65):
 * 1 the voter is not on this area's list; 6 cast outside the window
 * (vk_station_set_brevstemme_window()); 7 a later brevstemme of the same
 * voter that can count is held, or one is already accepted; 5 the voter
 * has already voted in person here (unconfirmed rule, see
 * docs/journal-format.md).  Reasons 2–5 that need eyes (dead or moved,
 * two følgebreve, unofficial material, procedure) are the valgstyreres'
 * to give when rejecting.  VK_STATION_ERROR_UNKNOWN_ENVELOPE when the
 * envelope is not held. */
typedef struct
{
  gboolean can_accept;
  guint reason; /* the rejection reason the law gives, 0 when it can be accepted */
} VkBrevstemmeAssessment;

gboolean vk_station_assess_brevstemme (VkStation *self, const char *envelope, VkBrevstemmeAssessment *ret_assessment,
                                       GError **error);
/* Journals a `brevstemme.decision` (role valgbord, else
 * VK_STATION_ERROR_WRONG_ROLE).  valgstyrere: at least two
 * (_TOO_FEW_VALGSTYRERE) distinct (_SAME_PERSON) names.  Accepting is
 * refused (_CANNOT_ACCEPT) when the assessment gives a reason; rejecting
 * needs a reason 1–7 (_BAD_REJECTION_REASON).  An envelope is decided
 * once (_ALREADY_DECIDED); an unknown one is _UNKNOWN_ENVELOPE.  Returns
 * the seq. */
guint64 vk_station_decide_brevstemme (VkStation *self, const char *envelope, gboolean accept, guint reason,
                                      const char *const *valgstyrere, GError **error);
/* The window in which a brevstemme may be cast (ms since the epoch,
 * inclusive).  The default is vk_brevstemme_window_for_election()
 * (shared/vk-brevstemme-window.h), the window the rules use too: from
 * 00:00 three weeks before election day to the end of the third-last
 * weekday before it (KV2025: 28 October – 13 November; unconfirmed as a
 * general rule). */
void vk_station_set_brevstemme_window (VkStation *self, guint64 first_ms, guint64 last_ms);
void vk_station_get_brevstemme_window (VkStation *self, guint64 *ret_first_ms, guint64 *ret_last_ms);

/* Other devices' journals. */

/* Takes in entries of another device (a batch from sync, a USB file):
 * verifies them against the package (vk_journal_verify(), partial
 * batches must follow what is held), checks the known entry types'
 * bodies, stores them in the station database and folds them into the
 * state.  Entries already held are skipped; this device's own entries
 * are accepted only when identical to the held ones.  A differing entry
 * is VK_ERROR_FORK.  ret_added (optional): new entries. */
gboolean vk_station_ingest (VkStation *self, GPtrArray *entries, guint *ret_added, GError **error);
gboolean vk_station_ingest_file (VkStation *self, const char *path, guint *ret_added, GError **error);
/* Folds in entries that another connection to the station database has
 * stored since the last fold (the sync runner, vk-sync.h, stores
 * received journals on its own connection so that the network never
 * blocks a check-in).  Call it after each sync round.  ret_added
 * (optional): entries folded in.  A stored entry whose body breaks J6 is
 * skipped and reported once, as the error. */
gboolean vk_station_refresh (VkStation *self, guint *ret_added, GError **error);
/* Writes every journal held (this device's and the received ones) as
 * DIR/<device>.vkj CBOR-sequence files, atomically: "Eksportér til USB". */
gboolean vk_station_export_usb (VkStation *self, const char *dir, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkStation, vk_station_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkVoterStatus, vk_voter_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkBrevstemme, vk_brevstemme_free)

G_END_DECLS
