/* vk-rules.h: the discrepancy rules D01–D20 and the journal fold they run on.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same code runs on the count server (over every journal it holds),
 * on a station (over its own journal) and in `valgkit audit` (over the
 * journal files): each folds verified journal entries into a VkFold, an
 * in-memory model per area (check-ins, undos, brevstemmer, decisions,
 * tallies, sign-offs, poll closes, receipts), adds what it knows about
 * refused batches and forks, and runs vk_rules_run() with the election
 * package.  docs/rules.md lists every rule with its Danish and English
 * text, severity, evidence and legal basis.
 */
#pragma once

#include <glib.h>

#include "vk-journal.h"
#include "vk-package.h"
#include "vk-results.h"

G_BEGIN_DECLS

typedef enum
{
  VK_SEVERITY_INFO,
  VK_SEVERITY_WARNING,
  VK_SEVERITY_BLOCKING,
} VkSeverity;

const char *vk_severity_to_string (VkSeverity severity); /* "info", "warning", "blocking" */

/* The rule catalogue. */
typedef struct
{
  guint number;     /* 1 for D01 */
  const char *code; /* "D01" */
  const char *title_da;
  const char *title_en;
  const char *legal_basis; /* e.g. "KRVL § 71 stk. 3", or "" */
} VkRuleInfo;

#define VK_RULES_COUNT 20
/* NULL for an unknown number. */
const VkRuleInfo *vk_rules_get_info (guint number);

/* One entry that is evidence: device and seq (seq 0: the device as a whole). */
typedef struct
{
  char *device_id;
  guint64 seq;
} VkEvidence;

/* One finding of a rule. */
typedef struct
{
  guint rule;          /* 1..VK_RULES_COUNT */
  VkSeverity severity; /* may differ per finding, e.g. D07 with/without explanation */
  guint area;          /* 0 when the finding is not about one area */
  char *message_da;
  char *message_en;
  GPtrArray *evidence; /* VkEvidence* */
} VkFinding;

void vk_finding_free (VkFinding *self);
/* {"rule":"D04","severity":"blocking","area":N|null,"da":S,"en":S,
 *  "evidence":[{"device":S,"seq":N}…]} */
char *vk_finding_to_json (const VkFinding *self) G_GNUC_WARN_UNUSED_RESULT;
/* The worst severity in findings (VkFinding*); -1 when empty. */
gint vk_findings_worst (GPtrArray *findings);

/* ---- checks on a single entry --------------------------------------------
 * What an entry may say, given the device that wrote it: the body must
 * have the J6 fields of its type with the right types (VK_ERROR_INVALID
 * naming the field; an unknown type is VK_ERROR_INVALID too), and the
 * device's role and area must allow it (VK_ERROR_KEY), e.g. only a
 * brevstemmested or hjemmebesoeg device may write `brevstemme.received`,
 * a valgbord only check-ins of its own area, tallies `foreloebig` only by
 * a valgbord or optaelling, `fintaelling` only by a fintaelling device.
 * The count server refuses a batch with such an entry; the fold records
 * it as D03. */
/* With an election (may be NULL), areas must be the election's and tally
 * counts must name its lists and candidates. */
gboolean vk_rules_check_entry (const VkDevice *device, const VkElection *election, const VkEntry *entry,
                               GError **error);

/* ---- the fold ------------------------------------------------------------ */
typedef struct _VkFold VkFold;

/* A fold for one election (the package is borrowed and must outlive it). */
VkFold *vk_fold_new (VkPackage *package, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_fold_free (VkFold *self);

/* Adds one verified entry (the caller verified signature and chain).
 * Entries of one device must come in seq order; devices may interleave.
 * An entry whose device is not enrolled or that vk_rules_check_entry()
 * refuses is recorded for D03 and otherwise ignored; an entry with a
 * device+seq already folded and another hash is recorded as a fork (D02).
 * A repeat of the same entry is ignored. */
void vk_fold_add_entry (VkFold *self, const VkEntry *entry);

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
/* Fork evidence found elsewhere (the count server's fork table). */
void vk_fold_add_fork (VkFold *self, const char *device_id, guint64 seq);

/* What the fold knows of one area (for status pages). */
typedef struct
{
  guint area;
  guint64 checkins; /* check-ins not undone */
  guint64 undos;
  guint64 brevstemmer;          /* brevstemme.received entries */
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

/* FALSE when area is not an area of the election. */
gboolean vk_fold_get_area_summary (VkFold *self, guint area, VkFoldAreaSummary *ret_summary);
/* Devices (char*, sorted) whose entries name this area; free with g_ptr_array_unref. */
GPtrArray *vk_fold_dup_area_devices (VkFold *self, guint area) G_GNUC_WARN_UNUSED_RESULT;
/* The result from the latest `tally.signoff` of this kind for area, or
 * NULL (with error VK_ERROR_NOT_FOUND) when there is none. */
VkAreaResult *vk_fold_dup_result (VkFold *self, guint area, VkResultKind kind,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The number of entries folded. */
guint64 vk_fold_get_n_entries (VkFold *self);

/* A counts map (J6 "Counts map") as an area result.  VK_ERROR_INVALID
 * naming the key when a value has the wrong type or an id is not a list or
 * candidate of election. */
VkAreaResult *vk_rules_counts_to_result (const VkElection *election, VkResultKind kind, guint area,
                                         const VkCbor *counts, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- running the rules --------------------------------------------------- */
typedef struct
{
  /* D08: a difference foreløbig → fintælling larger than this (absolute
   * votes, per list and in cast) is a warning, smaller ones are info. */
  guint64 d08_threshold;
  /* D10: the election window (ms since the epoch) for valgbord, optaelling
   * and fintaelling entries; brevstemme devices use
   * [brevstemme_open_ms, window_end_ms]. */
  guint64 window_start_ms;
  guint64 window_end_ms;
  guint64 brevstemme_open_ms;
  /* D10: the largest allowed difference between a device's clock and the
   * server's receipt of the entry. */
  guint64 clock_tolerance_ms;
  /* D13: brevstemmer cast after this instant do not count. */
  guint64 brevstemme_deadline_ms;
  /* D15: areas with fewer accepted brevstemmer than this (and more than 0). */
  guint min_brevstemmer;
  /* D09: report areas without a fintælling (set once the fintælling has begun). */
  gboolean expect_fintaelling;
} VkRulesConfig;

/* Defaults from the election date (Europe/Copenhagen): window from 00:00
 * on election day to 00:00 seven days later; brevstemmer from 00:00 three
 * months before; the brevstemme deadline at the end (24:00) of the
 * third-last weekday before election day, the Thursday before a Tuesday
 * election (unconfirmed: see docs/rules.md, D13); tolerance 5 minutes;
 * threshold 10 votes; 5 brevstemmer. */
void vk_rules_config_init (VkRulesConfig *self, const VkElection *election);

/* Runs every rule over the fold.  config may be NULL (defaults).
 * Returns VkFinding*, ordered by rule, then area. */
GPtrArray *vk_rules_run (VkFold *fold, const VkRulesConfig *config) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFold, vk_fold_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFinding, vk_finding_free)

G_END_DECLS
