/* vk-contest-result.h: a municipality's signed result of one contest, and the regional tally.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A municipality's count server writes `resultat.vkr`: the results of
 * every area of one contest (RV) and one kind (fintælling or foreløbig),
 * signed with the server's own device key.  The region sums the files
 * of all its municipalities and allocates the regional council's seats
 * without any election package (a package holds the voters' personal
 * data; the region must not get it).
 *
 * The file is a CBOR sequence of two COSE_Sign1 items (vk-cose.h):
 *   1. the result, signed by the server's device key;
 *   2. the server's enrolment statement (docs/package-format.md §5),
 *      signed by the municipality's election key.
 * The region trusts the municipalities' election public keys (a trust
 * file, one line per municipality); the enrolment ties the server key
 * to that election key and to the election id.  The format is specified
 * in docs/region.md.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-keys.h"
#include "vk-results.h"
#include "vk-seats.h"

G_BEGIN_DECLS

#define VK_CONTEST_RESULT_FORMAT "valgkit-contest-result-v1"
/* The largest resultat.vkr read (Aarhus' RV fintælling is ~0.2 MiB). */
#define VK_CONTEST_RESULT_MAX_BYTES ((gsize)16 * 1024 * 1024)
/* The largest trust file read. */
#define VK_TRUST_FILE_MAX_BYTES ((gsize)1024 * 1024)

/* ---- trusted election keys ------------------------------------------- */

typedef struct
{
  char *municipality_code; /* Kommunekode, e.g. "851" */
  char *name;              /* optional, "" when not given */
  guint8 public_key[VK_PUBLIC_KEY_BYTES];
  guint8 key_id[VK_KEY_ID_BYTES];
} VkTrustedKey;

void vk_trusted_key_free (VkTrustedKey *self);
/* A new, empty set (VkTrustedKey*). */
GPtrArray *vk_trusted_keys_new (void) G_GNUC_WARN_UNUSED_RESULT;
/* Adds a municipality's election public key; refused (VK_ERROR_INVALID)
 * when the municipality or the key is already in the set. */
gboolean vk_trusted_keys_add (GPtrArray *keys, const char *municipality_code, const guint8 public_key[32],
                              const char *name, GError **error);
/* Reads a trust file: one line per municipality, "KOMMUNEKODE HEXKEY
 * [NAME…]" (the key as 64 hex digits, or as line 2 of a .pub file:
 * "valgkit-ed25519:HEX"), blank lines and lines starting with '#' ignored.  Errors
 * name the file and the line. */
GPtrArray *vk_trusted_keys_load (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- the signed municipality result ------------------------------------ */

typedef struct
{
  char *contest_id; /* "RV", "KV" */
  VkResultKind kind;
  guint8 election_id[32]; /* the municipality's package */
  char *date;
  char *municipality;
  char *municipality_code;
  char *municipality_dagi_id;
  char *region;
  char *region_dagi_id;
  guint64 time_ms;        /* when it was signed, ms since the Unix epoch */
  GPtrArray *areas;       /* VkAreaResult*, by area number (eligible and dagi_id set) */
  char *device_id;        /* the server's, from its enrolment */
  guint8 file_digest[32]; /* SHA-256 of the whole file */
  GPtrArray *files;       /* VkValgdkFile*: valgkit-valgdk-result-v1 only, else NULL */
} VkContestResult;

void vk_contest_result_free (VkContestResult *self);

/* Signs the results of contest's areas (area_results: VkAreaResult*, all
 * of kind, each an area of contest) with server_key and writes them,
 * with the server's enrolment (the COSE_Sign1 by the election key,
 * VkDevice.enrolment), atomically to path.  The enrolment must be a
 * server's, of this election, for server_key. */
gboolean vk_contest_result_write (const char *path, const VkElection *contest, const guint8 election_id[32],
                                  VkResultKind kind, GPtrArray *area_results, const VkKeypair *server_key,
                                  GBytes *enrolment, GError **error);
/* The bytes vk_contest_result_write() writes (time_ms 0: now). */
GBytes *vk_contest_result_encode (const VkElection *contest, const guint8 election_id[32], VkResultKind kind,
                                  GPtrArray *area_results, const VkKeypair *server_key, GBytes *enrolment,
                                  guint64 time_ms, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Reads and verifies a resultat.vkr (at most VK_CONTEST_RESULT_MAX_BYTES):
 * the enrolment must verify under the trusted election key of the
 * municipality the result names (VK_ERROR_KEY for an unknown key or a key
 * of another municipality, VK_ERROR_SIGNATURE for an altered statement),
 * be a server's and of the result's election (VK_ERROR_KEY), and the
 * result must verify under the enrolled key (VK_ERROR_SIGNATURE).
 * expected_contest ("RV"; NULL: any) must match (VK_ERROR_INVALID).
 * region is the contest's election (for RV the region's kandidat-data):
 * every list and candidate must be its (VK_ERROR_INVALID), and when it
 * has a RegionDagiId the result must be of that region (VK_ERROR_INVALID).  Malformed or truncated CBOR:
 * VK_ERROR_INVALID / VK_ERROR_TRUNCATED.  Every message names the file. */
VkContestResult *vk_contest_result_read (const char *path, GPtrArray *trusted_keys, const char *expected_contest,
                                         const VkElection *region, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- a municipality's signed valg.dk area files (FV, FA, EP) ----------- */

/* The same envelope (the server's signature, its enrolment, the header),
 * with "format": VK_VALGDK_RESULT_FORMAT and, instead of "areas",
 * "files": [{"name": tstr, "json": tstr}], each file the municipality's
 * valg.dk Valgresultater of one area (vk-valgdk-fv.h) exactly as it is
 * delivered.  The national level verifies the file and reads the JSON as
 * it reads valg.dk's own files (vk_fv_valgdk_read_signed()).  docs/region.md
 * and docs/folketingsvalg.md. */
#define VK_VALGDK_RESULT_FORMAT "valgkit-valgdk-result-v1"

typedef struct
{
  char *name; /* "400-001.json": a plain file name */
  char *json; /* the file's UTF-8 JSON */
} VkValgdkFile;

VkValgdkFile *vk_valgdk_file_new (const char *name, const char *json) G_GNUC_WARN_UNUSED_RESULT;
void vk_valgdk_file_free (VkValgdkFile *self);

/* Signs files (VkValgdkFile*, at least one) as contest's (FV, FA or EP)
 * result of kind.  Refused (VK_ERROR_INVALID): a name that is not a plain
 * *.json name or given twice, a file that is not a JSON object whose
 * Valgart is the contest's, whose Kommunekode is the contest's and whose
 * Resultatart is kind's; the enrolment as vk_contest_result_encode(). */
GBytes *vk_valgdk_result_encode (const VkElection *contest, const guint8 election_id[32], VkResultKind kind,
                                 GPtrArray *files, const VkKeypair *server_key, GBytes *enrolment, guint64 time_ms,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes that atomically to path. */
gboolean vk_valgdk_result_write (const char *path, const VkElection *contest, const guint8 election_id[32],
                                 VkResultKind kind, GPtrArray *files, const VkKeypair *server_key, GBytes *enrolment,
                                 GError **error);
/* Reads and verifies one, as vk_contest_result_read() (the same errors;
 * expected_contest "FV", "FA" or "EP", NULL: any), and checks every file
 * as the writer does: r->files holds them, r->areas is empty. */
VkContestResult *vk_valgdk_result_read (const char *path, GPtrArray *trusted_keys, const char *expected_contest,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkValgdkFile, vk_valgdk_file_free)

/* ---- the regional tally ------------------------------------------------ */

typedef struct
{
  const VkElection *region; /* borrowed */
  GPtrArray *results;       /* VkContestResult*, by kommunekode */
  VkAreaResult *total;      /* the sum of every area of every municipality */
  VkSeatAllocation *seats;  /* the allocation */
  guint8 tally_id[32];      /* SHA-256 over the region and the files' digests (docs/region.md) */
} VkRegionTally;

void vk_region_tally_free (VkRegionTally *self);
/* Reads and verifies every file (vk_contest_result_read(), contest "RV"),
 * refuses a municipality given twice, an area given twice (DAGI id),
 * mixed kinds and a count that does not add up, sums every area and
 * allocates n_seats (0: region->seats).  On a needed lot draw: NULL,
 * VK_ERROR_TIE and *ret_tie (see vk_seats_allocate()). */
VkRegionTally *vk_region_tally (const VkElection *region, guint n_seats, GPtrArray *trusted_keys,
                                const char *const *paths, guint n_paths, const VkLots *lots, VkTie **ret_tie,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkContestResult, vk_contest_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkRegionTally, vk_region_tally_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTrustedKey, vk_trusted_key_free)

G_END_DECLS
