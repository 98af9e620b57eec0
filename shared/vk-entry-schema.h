/* vk-entry-schema.h: what each role may write (the J6 body schema).
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

/* ---- refusals ------------------------------------------------------------
 * Every ingest path (the station's vk_station_ingest(), the station's
 * relay store vk_sync_store_foreign(), the count server's
 * vk_count_ingest()) and the fold run the same checks and refuse with
 * these codes.  The message names the entry (device, seq, type) and the
 * field; the app phrases the code, never the message.  HTTP maps
 * VK_ENTRY_ERROR_ROLE and _AREA like VK_ERROR_KEY (403 "not-enrolled"),
 * the others like VK_ERROR_INVALID (400 "malformed"):
 * vk_net_http_status_for_error(). */
#define VK_ENTRY_ERROR (vk_entry_error_quark ())

typedef enum
{
  VK_ENTRY_ERROR_FIELD,        /* a field is missing, of the wrong type or out of range */
  VK_ENTRY_ERROR_UNKNOWN_TYPE, /* not an entry type of J6 */
  VK_ENTRY_ERROR_UNKNOWN_ID,   /* a list or candidate the election does not have */
  VK_ENTRY_ERROR_ROLE,         /* the device's role may not write the type (or it is not enrolled) */
  VK_ENTRY_ERROR_AREA,         /* an area other than the device's, or not of the election */
  VK_ENTRY_ERROR_DECISION,     /* a ballot.decision for no ballots set aside, or more than were */
} VkEntryError;

GQuark vk_entry_error_quark (void);

/* TRUE for VK_ENTRY_ERROR_ROLE and _AREA: refusals of the enrolment (D03),
 * not of the data. */
gboolean vk_entry_error_is_enrolment (const GError *error);

/* The places of `brevstemme.received` (J6): borgerservice, hjem,
 * plejehjem, hospital, faengsel, andet. */
gboolean vk_brevstemme_place_is_valid (const char *place);

/* The largest brevstemme.decision reason code (J6: 1–7). */
#define VK_BREVSTEMME_REASON_MAX 7

/* ---- the schema ----------------------------------------------------------
 * What an entry may say, given the device that wrote it: the body must
 * have the J6 fields of its type with the right types (an area or
 * løbenummer fits 32 bits, a rejection names a reason 0–7, a place is one
 * of J6's), and the
 * device's role and area must allow it, e.g. only a brevstemmested or
 * hjemmebesoeg device may write `brevstemme.received`, a valgbord only
 * check-ins of its own area, tallies `foreloebig` only by a valgbord or
 * optaelling, `fintaelling` only by a fintaelling device.  With an
 * election (may be NULL), areas must be the election's, tally counts and
 * doubtful-ballot decisions must name its lists and candidates. */
gboolean vk_entry_schema_check (const VkDevice *device, const VkElection *election, const VkEntry *entry,
                                GError **error);

/* vk_entry_schema_check() on each entry of entries with seq > after_seq,
 * with the device the package enrolled for it; election NULL reads it
 * from the package. */
gboolean vk_entry_schema_check_entries (VkPackage *package, const VkElection *election, GPtrArray *entries,
                                        guint64 after_seq, GError **error);

/* The contest (index in election's event) an entry's body names in its
 * "contest" field; absent: 0, the primary.  The entry must have passed
 * vk_entry_schema_check() (an unknown contest reads as 0). */
guint vk_entry_contest_index (const VkElection *election, const VkEntry *entry);

/* What a `ballot.doubtful` set aside, and how much of it is decided. */
typedef struct
{
  guint area;
  guint64 count;   /* ballots set aside */
  guint64 decided; /* ballots decided by earlier `ballot.decision`s */
  guint contest;   /* its contest: index in the event's contests (0: the primary) */
} VkDoubtfulHeld;

/* The part of the `ballot.decision` schema that needs the entries before
 * it (the fold calls it on every decision, a fintælling table before it
 * writes one: vk_tally_decide_doubtful()): its
 * `ref` must name a `ballot.doubtful` of the same device (held, NULL when
 * it names none) of the same area and contest (election gives the
 * decision's contest index; NULL: the primary), and it may decide at least one and no
 * more ballots than remain undecided (VK_ENTRY_ERROR_DECISION, naming the
 * entry).  The body was checked by vk_entry_schema_check(). */
gboolean vk_entry_schema_check_decision (const VkElection *election, const VkEntry *decision,
                                         const VkDoubtfulHeld *held, GError **error);

/* A counts map (J6 "Counts map") as an area result.  VK_ERROR_INVALID
 * naming the key when a value has the wrong type or an id is not a list or
 * candidate of election. */
VkAreaResult *vk_rules_counts_to_result (const VkElection *election, VkResultKind kind, guint area,
                                         const VkCbor *counts, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
