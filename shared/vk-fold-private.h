/* vk-fold-private.h: the fold's model, for the rules (vk-rules.c).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-finding.h"
#include "vk-fold.h"
#include "vk-voters.h"

G_BEGIN_DECLS

/* One folded entry of a device, indexed by seq - 1. */
typedef struct
{
  guint8 hash[VK_HASH_BYTES];
  guint64 time_ms;
  const char *type; /* interned; NULL when the slot is empty */
  guint area;
  guint index; /* into the area's array for the type */
} FoldRec;

typedef struct
{
  const char *device_id;  /* interned */
  const VkDevice *device; /* borrowed from the package; NULL when not enrolled */
  GArray *recs;           /* FoldRec */
} FoldDevice;

typedef struct
{
  const char *device;
  guint64 seq;
  guint64 time_ms;
  guint lnr;
  gboolean undone;
  gboolean assisted;
  gboolean search; /* method "search", else "scan" */
  gboolean paper;  /* a `checkin.paper`: marked on a printed valgliste, typed in afterwards */
  /* The contests whose ballots were handed out (the entry's "contests",
   * per-voter eligibility): interned ids joined by ';' ("FV"); NULL for
   * every contest of the event. */
  const char *contests;
} Checkin;

/* What became of a `checkin.undo`, decided when both it and the entry it
 * names are folded (in whichever order they come). */
typedef enum
{
  UNDO_PENDING,     /* the entry it names is not folded (yet) */
  UNDO_DONE,        /* it withdrew the check-in */
  UNDO_NOT_CHECKIN, /* it names no check-in of this area */
  UNDO_OTHER_LNR,   /* the check-in has another løbenummer */
  UNDO_TWICE,       /* the check-in was already undone */
} UndoStatus;

typedef struct
{
  const char *device;
  guint64 seq;
  const char *ref_device;
  guint64 ref_seq;
  guint lnr;
  UndoStatus status;
} Undo;

typedef struct
{
  const char *device;
  guint64 seq;
  guint64 time_ms;
  guint lnr;
  char *envelope;
  guint64 cast_ms;
  char *place;
  GStrv receivers;
  gboolean outside_window; /* received before the period, with a valgstyrer's confirmation */
  gboolean cancelled;      /* a `brevstemme.cancel` of the receiving device withdrew it */
  char *cancel_reason;
  const char *contests; /* as Checkin.contests: the ballots in the envelope; NULL for every contest */
} Brev;

typedef struct
{
  const char *device;
  guint64 seq;
  guint lnr;
  char *envelope;
  gboolean accepted;
  guint reason;
  GStrv valgstyrere;
} Decision;

/* An entry of an area's array, for the indexes by envelope. */
typedef struct
{
  guint area;
  guint index;
} FoldRef;

typedef struct
{
  const char *device;
  guint64 seq;
} Close;

typedef struct
{
  const char *device;
  guint64 seq;
  guint contest; /* index in the event's contests (0: the primary) */
  guint64 time_ms;
  VkResultKind kind;
  gboolean signoff;
  guint64 round;
  char *by;
  char *explanation;
  guint n_signers;
  VkCbor *counts;
} Tally;

/* A `ballot.doubtful`: count ballots set aside, decided of them decided. */
typedef struct
{
  const char *device;
  guint64 seq;
  guint64 count;
  guint64 decided;
  guint64 time_ms;
  char *note;
  guint contest; /* index in the event's contests */
} SetAside;

/* A `ballot.decision`: count doubtful ballots of the `ballot.doubtful`
 * entry ref of the same device decided. */
typedef struct
{
  const char *device;
  guint64 seq;
  guint64 ref;
  guint64 count;
  VkCbor *decision;
  guint64 time_ms;
  guint contest; /* the contest of the ballot.doubtful it decides */
} Doubt;

typedef struct
{
  guint number;
  const VkArea *area;
  GArray *checkins;    /* Checkin */
  GArray *undos;       /* Undo */
  GArray *brev;        /* Brev */
  GArray *decisions;   /* Decision */
  GArray *closes;      /* Close */
  GArray *tallies;     /* Tally, both kinds, rounds and sign-offs */
  GArray *set_aside;   /* SetAside */
  GArray *doubts;      /* Doubt, each checked against its SetAside */
  GHashTable *devices; /* interned device id set */
  guint64 last_entry_ms;
  /* Each voter's state, kept as entries come so that a station's
   * questions about one voter cost O(1).  Keys are løbenumre. */
  GHashTable *standing;      /* lnr → GArray of guint: checkins not undone, in fold order */
  GHashTable *brev_of_voter; /* lnr → GArray of guint: brev, the first received per envelope */
  GHashTable *accepted;      /* lnr → envelope of the first accepting decision (borrowed) */
} FoldArea;

typedef struct
{
  VkRefusalKind kind;
  const char *device;
  guint64 seq;
  char *source;
  char *reason;
} Refusal;

typedef struct
{
  const char *device;
  guint64 seq;
  char *reason;
} BadEntry;

typedef struct
{
  const char *server;
  guint64 server_seq;
  guint64 time_ms;
  const char *device;
  guint64 seq;
} Receipt;

typedef struct
{
  const char *device;
  guint64 seq;
} Fork;

struct _VkFold
{
  VkPackage *package;
  /* The package's election (vk_package_get_election(): borrowed, immutable,
   * safe from any thread; a fold never reads the package's SQLite
   * connection when it is made, so stations open on worker threads). */
  const VkElection *election;
  GHashTable *devices; /* interned id → FoldDevice* */
  GHashTable *areas;   /* number → FoldArea* */
  /* The first `brevstemme.received` and the first `brevstemme.decision`
   * held for each envelope: an envelope id is unique in the election
   * (J6), so a second one is evidence (D06, D17), not a second vote. */
  GHashTable *brev_by_env;     /* envelope (borrowed) → FoldRef* */
  GHashTable *decision_by_env; /* envelope (borrowed) → FoldRef* */
  /* Undos whose check-in is not folded yet: "device\nseq" → GArray of FoldRef. */
  GHashTable *pending_undos;
  GArray *refusals;           /* Refusal */
  GArray *bad;                /* BadEntry */
  GArray *receipts;           /* Receipt */
  GArray *forks;              /* Fork */
  guint64 unverified_batches; /* D21 */
  guint unverified_sources;
  char *unverified_examples;
  guint64 n_entries;
  gboolean voters_loaded; /* has_voters is known (rule D11) */
  gboolean has_voters;    /* the package holds voter lists */
};

/* The folded entry device#seq, or NULL. */
const FoldRec *vk_fold_lookup_rec (VkFold *self, const char *device_id, guint64 seq);
/* Resolves undos against check-ins: marks each referred check-in undone
 * and, when findings is given, reports D14 for undos that refer to nothing
 * undoable. */
void vk_fold_area_resolve (VkFold *self, FoldArea *a, GPtrArray *findings);
/* Voters (løbenummer) of an area with an accepted brevstemme: the latest
 * decision per envelope counts.  A new set. */
GHashTable *vk_fold_area_accepted_voters (FoldArea *a);
/* The latest sign-off of contest (index) and kind, or NULL. */
const Tally *vk_fold_area_latest_signoff (FoldArea *a, guint contest, VkResultKind kind);

G_END_DECLS
