/* vk-count-export.h: the count server's journals as files, for the audit.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-count.h"
#include "vk-keys.h"
#include "vk-seats.h"
#include "vk-valgdk-previous.h"

G_BEGIN_DECLS

/* Writes every journal the server holds, its own included, as
 * DIR/<device>.vkj (CBOR sequences, written atomically).  Returns the
 * number of files written, or -1 with error. */
gint vk_count_export_journals (VkCount *self, const char *dir, GError **error);

/* Writes each area's signed-off count of one contest ("KV", "RV"; NULL:
 * the primary) and kind in valg.dk's KVRV-Valgresultater shape as
 * DIR/<kommunekode>-<area number, 3 digits>.json (written atomically; a
 * corrected count replaces the file), GodkendelsesDatoUTC from its
 * sign-off.  Areas without a signed-off count are skipped.  Returns the
 * number of files written, or -1 with error.  docs/results.md. */
gint vk_count_export_valgdk (VkCount *self, const char *contest, VkResultKind kind, const char *dir, GError **error);

/* The signed municipality result of one contest (the RV result the
 * region tallies: docs/region.md): every area's signed-off count of kind,
 * signed with server_key (this server's enrolled key) at time_ms (0: now,
 * which must lie in the server's enrolment window), with the server's
 * enrolment, written atomically to path.  Refused while an area of the
 * contest has no signed-off count. */
gboolean vk_count_write_contest_result (VkCount *self, const char *contest, VkResultKind kind,
                                        const VkKeypair *server_key, guint64 time_ms, const char *path, GError **error);

/* The signed valg.dk municipality result of an FV, FA or EP contest
 * (vk_valgdk_result_write(), VK_VALGDK_RESULT_FORMAT), which `valgkit
 * folketingsvalg|folkeafstemning|europaparlamentsvalg --signed FILE
 * --trust TRUST` verify and tally: each area's valg.dk file of kind (FV-,
 * FA- or EV-Valgresultater, as the delivery writes it, with its
 * storkreds and opstillingskreds), signed with server_key (this server's
 * enrolled key) and its enrolment, written atomically to path.  Refused
 * (VK_ERROR_NOT_FOUND) while an area of the contest has no signed-off
 * count of kind; VK_ERROR_INVALID for a KV or RV contest (use
 * vk_count_write_contest_result()).  docs/results.md. */
gboolean vk_count_write_valgdk_result (VkCount *self, const char *contest, VkResultKind kind,
                                       const VkKeypair *server_key, const char *path, GError **error);

/* One area's turnout at one instant (vk_count_turnout()). */
typedef struct
{
  guint area;
  guint64 eligible;    /* the package's voter list (else the area's number) */
  guint64 checkins;    /* check-ins journalled before the instant, not undone before it */
  guint64 brevstemmer; /* voters with a brevstemme accepted before the instant */
  gboolean complete;   /* every table of the area had delivered its journal past the instant */
  char *missing;       /* when not complete: the tables that had not, comma-separated */
} VkCountTurnout;

void vk_count_turnout_free (VkCountTurnout *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCountTurnout, vk_count_turnout_free)

/* Each area's turnout at at_ms (ms since the Unix epoch) from the
 * journals held: a fold of every entry whose time is before at_ms.  A
 * table (an enrolled `valgbord` of the area) counts as delivered past
 * at_ms when the server holds an entry of it at or after at_ms, a
 * receipt of a push of it made at or after at_ms (a push carries the
 * whole journal up to then), or its poll.close before at_ms.  VkCountTurnout*
 * by area number, the contest's areas (NULL: the primary's). */
GPtrArray *vk_count_turnout (VkCount *self, const char *contest, gint64 at_ms,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* What `valgkit report` and the demo deliver to valg.dk. */
typedef struct
{
  GArray *times;                    /* announced times, minutes after midnight; NULL: 11:00 and 17:00 */
  gint64 at_ms;                     /* report as of this instant; 0: now */
  const VkValgdkPrevious *previous; /* the previous election's area results, or NULL */
  const VkLots *lots;               /* lot draws for the seat allocation, or NULL */
  gboolean every_signoff;           /* write every count signed off, whatever at_ms says (the count server: a
                                     * sign-off is due when it arrives, even from a table whose clock runs ahead) */
  const VkKeypair *server_key;      /* the count server's enrolled key: also sign each FV, FA and EP result
                                     * (C/resultat-<kind>.vN.vkv); NULL: no signed result */
} VkValgdkReportOptions;

typedef struct
{
  guint written;   /* new files (a new version of a file counts) */
  guint unchanged; /* files due whose latest version already says the same */
  GPtrArray *log;  /* char*: one line per file written and per thing not (yet) delivered */
} VkValgdkReport;

void vk_valgdk_report_free (VkValgdkReport *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkValgdkReport, vk_valgdk_report_free)

/* Writes into dir what is due at options->at_ms, for each contest C of
 * the event (docs/results.md, "valg.dk"):
 *   C/valgdeltagelse/<kode>-<nnn>.vN.json  every area's turnout at each
 *       announced time that has passed (Valgdeltagelse); an area whose
 *       tables had not delivered past a time has that time left out, and
 *       C/valgdeltagelse/status.vN.json names it and the tables;
 *   C/foreloebig/<kode>-<nnn>.vN.json, C/fintaelling/…  each area's count
 *       signed off by then (KVRV-Valgresultater; KV and RV only);
 *   C/mandatfordeling-<kind>.vN.json  the seats once every area's count
 *       of that kind is signed off (KV only: the region allocates RV's);
 *   C/resultat-<kind>.vN.vkv  with options->server_key, an FV, FA or EP
 *       contest's signed municipality result (valgkit-valgdk-result-v1,
 *       vk_valgdk_result_write()) once every area's count of that kind is
 *       signed off: the exact bytes of the area files delivered beside it
 *       (their latest versions), signed by the server's key; a new
 *       version only when one of those files changed (the latest .vkv
 *       is verified under the package's election key and compared file
 *       by file).
 * Every file is a version (vk_valgdk_write_version()): written atomically,
 * never edited, a new version only when its content changed.  A lot draw
 * that is needed and not in options->lots is logged, not an error. */
VkValgdkReport *vk_count_report_valgdk (VkCount *self, const char *dir, const VkValgdkReportOptions *options,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The demo's delivery: vk_count_report_valgdk() into OUT/valgdk/ with the
 * default times, as of now (a replayed day has passed: every announced
 * time is due), with lots.  Returns the number of files written, or -1. */
gint vk_count_write_valgdk_delivery (VkCount *self, const char *out, const VkLots *lots, GError **error);

G_END_DECLS
