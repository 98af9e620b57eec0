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
 * one fixed "what to do" (docs/counting.md lists them).  The arithmetic is
 * vk_counts_check() (shared/vk-counts.h), shared with the count server
 * and the audit; this module words its failures:
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

/* The refusals of the tally actions (vk_tally_enter(), vk_tally_sign_off(),
 * vk_tally_form_enter(), the doubtful ballots).  The message is English, for logs; the app
 * words each code in the operator's language. */
#define VK_TALLY_ERROR (vk_tally_error_quark ())
GQuark vk_tally_error_quark (void);

typedef enum
{
  VK_TALLY_ERROR_WRONG_TABLE,     /* this table does not take this count (role, or another area) */
  VK_TALLY_ERROR_WRONG_ROUND,     /* not round 1 or 2, or no name of who enters it */
  VK_TALLY_ERROR_SIGNED,          /* the count is signed off: it cannot be entered or signed again */
  VK_TALLY_ERROR_ROUND1_FIRST,    /* round 2 before round 1 */
  VK_TALLY_ERROR_SAME_PERSON,     /* the other round was entered by the same name (four eyes) */
  VK_TALLY_ERROR_NOT_ENTERED,     /* sign-off before both rounds are entered */
  VK_TALLY_ERROR_DIFFERENT,       /* sign-off while the two rounds differ */
  VK_TALLY_ERROR_CHECK_FAILED,    /* a blocking check (T01–T05) fails; the message starts with its code */
  VK_TALLY_ERROR_NO_EXPLANATION,  /* cast ≠ marked voters and no explanation is written */
  VK_TALLY_ERROR_TOO_FEW_SIGNERS, /* fewer than two different valgstyrere */
  VK_TALLY_ERROR_NOT_VALGSTYRER,  /* a signer's key is not enrolled as a valgstyrer's */
  VK_TALLY_ERROR_NOT_SIGNED,      /* the valgbog before the sign-off of the foreløbig count */
  /* Doubtful ballots (vk_tally_set_aside_doubtful(), vk_tally_decide_doubtful()). */
  VK_TALLY_ERROR_NOT_FINTAELLING,      /* doubtful ballots are set aside and decided at a fintælling table */
  VK_TALLY_ERROR_UNKNOWN_AREA,         /* the area is not an area of the election */
  VK_TALLY_ERROR_DOUBTFUL_NONE,        /* set aside: no ballots (count 0) */
  VK_TALLY_ERROR_DOUBTFUL_NO_NOTE,     /* set aside: no note on why the ballots are doubtful */
  VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_REF, /* decide: not a ballot.doubtful of the area set aside at this table */
  VK_TALLY_ERROR_DOUBTFUL_TOO_MANY,    /* decide: 0 ballots, or more than remain undecided */
  VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_ID,  /* decide: a list or candidate the election does not have */
  VK_TALLY_ERROR_DOUBTFUL_BAD_CODE,    /* decide: not an invalidity reason code (1–13, 21–32) */
  VK_TALLY_ERROR_UNKNOWN_CONTEST,      /* the election has no such contest */
} VkTallyError;

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
  VkCountCheck check; /* which check (shared/vk-counts.h) */
  char *code;         /* "T01" */
  VkMessageSeverity severity;
  char **fields; /* the fields concerned, named as in vk-tally-form.h ("cast", "lists.<id>",
                  * "invalid" for the other invalid ballots in total); "lists.*" stands for
                  * every field of the group */
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
/* FALSE with VK_TALLY_ERROR_CHECK_FAILED when a failure (vk_counts_check())
 * blocks; TRUE otherwise. */
gboolean vk_tally_failures_to_error (GArray *failures, GError **error);

/* The double entry of one (kind, area), folded from journal entries. */
typedef struct _VkTally VkTally;

/* contest: the contest (a VkElection of the event; NULL: the primary). */
VkTally *vk_tally_new (const VkElection *contest, VkResultKind kind, guint area) G_GNUC_WARN_UNUSED_RESULT;
void vk_tally_free (VkTally *self);
/* Applies one journal entry (others than tally/tally.signoff of this
 * kind and area are ignored). */
void vk_tally_apply (VkTally *self, const VkEntry *entry);
/* Folds every entry of a journal. */
VkTally *vk_tally_fold (GPtrArray *entries, const VkElection *contest, VkResultKind kind,
                        guint area) G_GNUC_WARN_UNUSED_RESULT;
/* The double entry device_id has made, from a fold (the station's:
 * vk_station_get_fold()). */
VkTally *vk_tally_new_from_fold (VkFold *fold, const char *device_id, const char *contest, VkResultKind kind,
                                 guint area) G_GNUC_WARN_UNUSED_RESULT;

VkTallyState vk_tally_get_state (const VkTally *self);
/* The counts of round 1 or 2 (NULL when not entered), and who entered them. */
VkCbor *vk_tally_get_round (const VkTally *self, guint round, const char **ret_by);
/* The fields in which the rounds differ, with both numbers: a new array
 * of VkCountDifference* (first = round 1), empty unless VK_TALLY_DIFFERENT. */
GPtrArray *vk_tally_dup_differences (const VkTally *self) G_GNUC_WARN_UNUSED_RESULT;
/* The signed-off counts, or NULL. */
VkCbor *vk_tally_get_signed (const VkTally *self);

/* Station actions: each journals one entry and returns its seq (0 with error).
 * contest names one of the event's contests ("KV", "RV"; NULL: the
 * primary): counts, double entry, sign-off and doubtful ballots are per
 * contest (VK_TALLY_ERROR_UNKNOWN_CONTEST for another); in an event with
 * several contests each entry carries a "contest" field (J6). */

/* `poll.close`: no check-in after it. */
guint64 vk_tally_close_poll (VkStation *station, GError **error);
/* Enters one round for an area: a valgbord counts its own area
 * (foreløbig), a fintælling table any area (fintælling).  Round 2 must be
 * by someone else than round 1; a signed-off count cannot be changed.
 * Refusals: VK_TALLY_ERROR_WRONG_ROUND, _WRONG_TABLE, _SIGNED,
 * _ROUND1_FIRST, _SAME_PERSON. */
guint64 vk_tally_enter (VkStation *station, const char *contest, VkResultKind kind, guint area, guint round,
                        const char *by, const VkAreaResult *counts, const VkBallotAccount *ballots, GError **error);

typedef struct
{
  const char *name;     /* the valgstyrer's name */
  const VkKeypair *key; /* the valgstyrer's own key (role valgstyrer), unlocked with their passphrase; may be NULL */
} VkSigner;

/* Signs off the agreed count: refused unless both rounds agree
 * (VK_TALLY_ERROR_NOT_ENTERED, _DIFFERENT, _SIGNED), at least two
 * different signers are given (_TOO_FEW_SIGNERS), no blocking check fails
 * (_CHECK_FAILED) and, when cast ≠ marked voters, an explanation is given
 * (_NO_EXPLANATION); a signer's key must be a valgstyrer's (_NOT_VALGSTYRER).  With signer keys,
 * each signer's COSE_Sign1 over ["valgkit-signoff-v1", election id,
 * kind, area, SHA-256 of the counts] is journaled beside the names. */
guint64 vk_tally_sign_off (VkStation *station, const char *contest, VkResultKind kind, guint area,
                           const VkSigner *signers, guint n_signers, const char *explanation, gint64 marked_voters,
                           guint64 eligible, GError **error);

/* The payload a valgstyrer signs (exposed for the audit). */
GBytes *vk_tally_signoff_payload (const guint8 election_id[32], const char *contest, VkResultKind kind, guint area,
                                  const guint8 counts_digest[32]) G_GNUC_WARN_UNUSED_RESULT;

/* The station's own double entry of (kind, area), folded from its journal. */
VkTally *vk_tally_dup_station_tally (VkStation *station, const char *contest, VkResultKind kind, guint area,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The signed-off counts of (kind, area) in any journal the station holds
 * (its own, or a valgbord's synced or read from USB), or NULL (no error)
 * when none is held.  ret_device (optional): whose journal it is in. */
VkCbor *vk_tally_dup_signed_counts (VkStation *station, const char *contest, VkResultKind kind, guint area,
                                    char **ret_device, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The same, read into a result (with the area's name), or NULL (no
 * error) when none is held. */
VkAreaResult *vk_tally_dup_signed_result (VkStation *station, const char *contest, VkResultKind kind, guint area,
                                          char **ret_device, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Doubtful ballots (tvivlsomme stemmesedler, J6 `ballot.doubtful` and
 * `ballot.decision`).  A fintælling table sets them aside, outside the
 * count it enters; the valgbestyrelse decides them later at the same
 * table, and each decision adds its ballots to the area's result
 * (vk_tally_add_decided_doubtful()): to a list (a listestemme), to a
 * candidate (a personal vote and the list's total) or to the invalid
 * ballots by reason, and always to the ballots cast.  VkDoubtfulTo and
 * the arithmetic are shared with the count server (shared/vk-counts.h). */

typedef struct
{
  guint64 seq; /* of the `ballot.decision` entry */
  guint64 time_ms;
  VkDoubtfulTo to;
  char *id;      /* KandidatlisteId or KandidatId; NULL for invalid */
  char *list_id; /* the list the ballots count for; NULL for invalid */
  guint code;    /* invalid: the reason code (1–13, 21–32) */
  guint64 count;
} VkDoubtfulDecision;

typedef struct
{
  guint64 seq; /* of the `ballot.doubtful` entry */
  guint64 time_ms;
  guint area;
  guint64 count;
  char *note;
  guint64 decided;      /* ballots decided so far */
  GPtrArray *decisions; /* VkDoubtfulDecision*, in journal order */
} VkDoubtful;

void vk_doubtful_free (VkDoubtful *self);

/* Journals a `ballot.doubtful` (role fintaelling): count ≥ 1 ballots of
 * an area of the election set aside, with a note (required).  Refused
 * with VK_TALLY_ERROR_NOT_FINTAELLING, _UNKNOWN_AREA, _DOUBTFUL_NONE or
 * _DOUBTFUL_NO_NOTE. */
guint64 vk_tally_set_aside_doubtful (VkStation *station, const char *contest, guint area, guint64 count,
                                     const char *note, GError **error);
/* Journals a `ballot.decision` for the `ballot.doubtful` entry ref of
 * this table: count ballots go to a list or a candidate of the election
 * (id) or are invalid for a reason (code).  Refused with
 * VK_TALLY_ERROR_NOT_FINTAELLING, _UNKNOWN_AREA, _DOUBTFUL_UNKNOWN_REF
 * (an unknown ref), _DOUBTFUL_TOO_MANY (0 ballots or more than remain
 * undecided: vk_entry_schema_check_decision()), _DOUBTFUL_UNKNOWN_ID (an
 * unknown list or candidate) and _DOUBTFUL_BAD_CODE (a bad reason code). */
guint64 vk_tally_decide_doubtful (VkStation *station, const char *contest, guint area, guint64 ref, VkDoubtfulTo to,
                                  const char *id, guint code, guint64 count, GError **error);
/* The doubtful ballots this table has set aside for an area (0: every
 * area), oldest first, each with its decisions. */
GPtrArray *vk_tally_dup_doubtful (VkStation *station, const char *contest, guint area,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Adds the decided ballots of doubtful (VkDoubtful*) of the result's
 * area to a result; returns how many ballots were added.  Personal votes
 * and listestemmer are only touched when the result has them. */
guint64 vk_tally_add_decided_doubtful (VkAreaResult *result, GPtrArray *doubtful);

/* What the valgbog of a valgbord prints, read from its journal. */
typedef enum
{
  VK_TALLY_EVENT_OPENED,      /* device.open */
  VK_TALLY_EVENT_POLL_CLOSED, /* poll.close */
  VK_TALLY_EVENT_ENTERED,     /* tally (foreløbig): round, who */
  VK_TALLY_EVENT_SIGNED,      /* tally.signoff (foreløbig) */
} VkTallyEventKind;

typedef struct
{
  VkTallyEventKind kind;
  guint64 time_ms;
  guint round;
  char *who;          /* ENTERED: who entered; else NULL */
  gboolean again;     /* ENTERED: the round was entered before (a correction) */
  gboolean restarted; /* OPENED: not the first device.open (a restart or unlock) */
} VkTallyEvent;

/* An undone check-in of the area (a `checkin.undo` of any table held). */
typedef struct
{
  guint64 time_ms;
  char *device_id; /* the table that undid it */
  guint loebenummer;
  char *reason;
} VkTallyUndo;

typedef struct
{
  char *contest; /* the contest's id ("KV", "RV") */
  guint area;
  guint64 opened_ms;    /* the first device.open */
  guint64 closed_ms;    /* poll.close, 0 if not closed */
  GPtrArray *events;    /* VkTallyEvent*, in journal order */
  GPtrArray *entered;   /* char*: the names that entered a round, first seen first */
  GPtrArray *signers;   /* char*: the valgstyrere who signed */
  gboolean with_keys;   /* every signer signed with their own key */
  guint64 signed_ms;    /* time of the sign-off */
  VkAreaResult *counts; /* the signed counts */
  VkBallotAccount ballots;
  char *explanation; /* NULL when none */
  guint checkins;    /* standing check-ins of the area (any table held) */
  guint brevstemmer; /* accepted brevstemmer */
  guint assisted;    /* standing check-ins with personlig bistand */
  GPtrArray *undos;  /* VkTallyUndo*, oldest first */
  /* The area's brevstemmer held: received, decided either way, and not yet decided. */
  guint brev_received;
  guint brev_accepted;
  guint brev_rejected;
  guint brev_undecided;
  guint brev_rejected_by_reason[8]; /* by J6 reason 1–7 ([0]: unknown) */
  GPtrArray *brev_valgstyrere;      /* char*: the valgstyrere who decided brevstemmer */
  guint64 head_seq;                 /* this journal's head when read */
  guint8 head[32];
} VkTallyRecord;

void vk_tally_record_free (VkTallyRecord *self);
/* The record of the valgbord's signed-off foreløbig count of one contest
 * (NULL: the primary): its entries, sign-off and counts; the opening and
 * the poll's close are the event's, in every contest's record
 * (VK_TALLY_ERROR_WRONG_TABLE at another role, _UNKNOWN_CONTEST,
 * VK_TALLY_ERROR_NOT_SIGNED before that contest's sign-off). */
VkTallyRecord *vk_tally_dup_record (VkStation *station, const char *contest, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTally, vk_tally_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkDoubtful, vk_doubtful_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTallyRecord, vk_tally_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTallyMessage, vk_tally_message_free)

G_END_DECLS
