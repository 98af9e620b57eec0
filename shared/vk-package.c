/* vk-package.c: the election package (.vkp), signed by the election key.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format is specified in docs/package-format.md; keep the two in step.
 * This file opens, verifies and reads a package; the digest, creation
 * and devices live beside it (vk-package-private.h lists the files).
 */
#include <string.h>

#include "vk-cose.h"
#include "vk-error.h"
#include "vk-package-private.h"

/* ---- Opening ----------------------------------------------------------- */

static VkPackage *
package_new (VkDb *db, const char *path)
{
  VkPackage *self = g_new0 (VkPackage, 1);

  self->db = db;
  self->path = g_strdup (path);
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)vk_device_free);
  return self;
}

void
vk_package_free (VkPackage *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->db, vk_db_close);
  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_clear_pointer (&self->election, vk_election_free);
  g_free (self->path);
  g_free (self);
}

static gboolean
check_schema_version (VkDb *db, GError **error)
{
  gint64 version = vk_db_get_user_version (db, error);

  if (version < 0)
    return FALSE;
  if (version > VK_PACKAGE_SCHEMA_VERSION)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_VERSION,
                   "%s: package written by a newer valgkit (schema version %" G_GINT64_FORMAT ", this build reads %d)",
                   vk_db_get_path (db), version, VK_PACKAGE_SCHEMA_VERSION);
      return FALSE;
    }
  if (version >= 1 && version < VK_PACKAGE_SCHEMA_VERSION)
    {
      /* Never migrated: a municipality rebuilds its package from
       * kandidat-data and the voter list in minutes. */
      g_set_error (error, VK_ERROR, VK_ERROR_VERSION,
                   "%s: was written by an older valgkit (package format %" G_GINT64_FORMAT
                   "); import the election again",
                   vk_db_get_path (db), version);
      return FALSE;
    }
  if (version < VK_PACKAGE_SCHEMA_VERSION)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: not a complete election package (schema version %" G_GINT64_FORMAT ")", vk_db_get_path (db),
                   version);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quick_check (VkDb *db, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (db, "PRAGMA quick_check", error);
  const char *result;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return vk_db_set_error (db, error, "integrity check");
  result = (const char *)sqlite3_column_text (stmt, 0);
  if (result == NULL || strcmp (result, "ok") != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: damaged file: %s", vk_db_get_path (db),
                   result != NULL ? result : "?");
      return FALSE;
    }
  return TRUE;
}

/* Reads the package row and checks the signature over the stored
 * election id, then that the content hashes to that id. */
static gboolean
verify_package (VkPackage *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (VkCoseSign1) cose = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autoptr (GBytes) expected_payload = NULL;
  guint8 digests[VK_PACKAGE_N_SECTIONS][32];
  guint8 computed[VK_ELECTION_ID_BYTES];
  const char *format;

  stmt = vk_db_prepare (self->db, "SELECT format, election_id, election_key, signature FROM package WHERE id = 1",
                        error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "%s: the package is not signed (no package row)", self->path);
      return FALSE;
    }
  format = (const char *)sqlite3_column_text (stmt, 0);
  if (format == NULL || strcmp (format, VK_PACKAGE_FORMAT) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: unknown package format \"%s\"", self->path,
                   format != NULL ? format : "");
      return FALSE;
    }
  if (sqlite3_column_bytes (stmt, 1) != VK_ELECTION_ID_BYTES || sqlite3_column_bytes (stmt, 2) != VK_PUBLIC_KEY_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: malformed package row", self->path);
      return FALSE;
    }
  memcpy (self->election_id, sqlite3_column_blob (stmt, 1), VK_ELECTION_ID_BYTES);
  memcpy (self->election_key, sqlite3_column_blob (stmt, 2), VK_PUBLIC_KEY_BYTES);
  signature = g_bytes_new (sqlite3_column_blob (stmt, 3), (gsize)sqlite3_column_bytes (stmt, 3));
  g_clear_pointer (&stmt, sqlite3_finalize);

  cose = vk_cose_sign1_decode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), &local_error);
  if (cose == NULL || !vk_cose_sign1_verify (cose, self->election_key, &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "%s: package signature does not verify: %s", self->path,
                   local_error->message);
      return FALSE;
    }
  expected_payload = vk_package_signed_payload (self->election_id);
  if (!g_bytes_equal (expected_payload, cose->payload))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "%s: package signature is over another election id",
                   self->path);
      return FALSE;
    }

  if (!vk_package_hash_sections (self->db, digests, error))
    return FALSE;
  vk_package_combine_sections (self->election_key, digests, computed);
  if (memcmp (computed, self->election_id, VK_ELECTION_ID_BYTES) != 0)
    {
      guint8 stored[VK_PACKAGE_N_SECTIONS][32];
      guint8 stored_id[VK_ELECTION_ID_BYTES];
      g_autoptr (GString) changed = g_string_new (NULL);
      gboolean have_stored = TRUE;

      /* The stored section digests are not trusted by themselves, but if
       * they combine to the signed election id they are the signed ones,
       * and comparing them with the recomputed ones names what changed. */
      for (guint s = 0; s < VK_PACKAGE_N_SECTIONS && have_stored; s++)
        {
          g_autoptr (sqlite3_stmt) q
              = vk_db_prepare (self->db, "SELECT sha256 FROM section_digest WHERE section = ?", NULL);
          have_stored = q != NULL;
          if (have_stored)
            {
              sqlite3_bind_text (q, 1, vk_package_section_names[s], -1, SQLITE_STATIC);
              have_stored = sqlite3_step (q) == SQLITE_ROW && sqlite3_column_bytes (q, 0) == 32;
              if (have_stored)
                memcpy (stored[s], sqlite3_column_blob (q, 0), 32);
            }
        }
      if (have_stored)
        {
          vk_package_combine_sections (self->election_key, stored, stored_id);
          have_stored = memcmp (stored_id, self->election_id, VK_ELECTION_ID_BYTES) == 0;
        }
      for (guint s = 0; s < VK_PACKAGE_N_SECTIONS && have_stored; s++)
        if (memcmp (stored[s], digests[s], 32) != 0)
          g_string_append_printf (changed, "%s%s", changed->len > 0 ? ", " : "", vk_package_section_names[s]);
      if (changed->len > 0)
        g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE,
                     "%s: the signed package does not match its content: %s changed", self->path, changed->str);
      else
        g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE,
                     "%s: the signed package does not match its content (election id differs)", self->path);
      return FALSE;
    }
  return TRUE;
}

/* A rollback journal next to the package is hot when a write to it
 * (an enrolment) was interrupted.  A read-only connection cannot roll it
 * back (SQLITE_READONLY_ROLLBACK), so one read-write connection does,
 * under SQLite's own locks, and is closed again: the first read of a
 * read-write connection replays a hot journal, and a journal another
 * process is still writing is left alone (its RESERVED lock says so). */
static gboolean
recover_journal (const char *path, GError **error)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr (VkDb) db = NULL;

  if (!g_file_test (journal, G_FILE_TEST_EXISTS))
    return TRUE;
  db = vk_db_open (path, VK_PACKAGE_APPLICATION_ID, VK_DB_FLAGS_NONE, error);
  return db != NULL;
}

/* Every voter's contests (format 3) are in their stored form for this
 * event: "", "-", or some of the event's contest types
 * (vk_election_canonical_voter_contests()). */
static gboolean
check_voter_contests (VkDb *db, const VkElection *e, GError **error)
{
  g_autoptr (sqlite3_stmt) st = vk_db_prepare (db, "SELECT DISTINCT contests FROM voter", error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *stored = (const char *)sqlite3_column_text (st, 0);
      g_autofree char *canonical = vk_election_canonical_voter_contests (e, stored != NULL ? stored : "");

      if (canonical == NULL || g_strcmp0 (canonical, stored) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: voter contests \"%s\" are not contests of the event (%s)", vk_db_get_path (db),
                       stored != NULL ? stored : "", canonical != NULL ? canonical : "?");
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (db, error, "cannot read the voters' contests");
  return TRUE;
}

VkPackage *
vk_package_open (const char *path, GError **error)
{
  g_autoptr (VkPackage) self = NULL;
  VkDb *db;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vk_crypto_init (error))
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: no such package file", path);
      return NULL;
    }
  if (!recover_journal (path, error))
    return NULL;
  /* Read-only: see "Opening" in docs/package-format.md. */
  db = vk_db_open (path, VK_PACKAGE_APPLICATION_ID, VK_DB_READ_ONLY, error);
  if (db == NULL)
    return NULL;
  sqlite3_busy_timeout (vk_db_get_handle (db), VK_PACKAGE_BUSY_TIMEOUT_MS);
  self = package_new (db, path);
  if (!check_schema_version (db, error) || !quick_check (db, error) || !verify_package (self, error)
      || !vk_package_load_devices (self, error))
    return NULL;
  self->election = vk_package_dup_election (self, error);
  if (self->election == NULL || !check_voter_contests (self->db, self->election, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
vk_package_get_path (VkPackage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

const guint8 *
vk_package_get_election_id (VkPackage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->election_id;
}

const guint8 *
vk_package_get_election_public_key (VkPackage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->election_key;
}

gboolean
vk_package_compute_election_id (VkPackage *self, guint8 ret_election_id[VK_ELECTION_ID_BYTES], GError **error)
{
  guint8 digests[VK_PACKAGE_N_SECTIONS][32];

  g_return_val_if_fail (self != NULL, FALSE);
  if (!vk_package_hash_sections (self->db, digests, error))
    return FALSE;
  vk_package_combine_sections (self->election_key, digests, ret_election_id);
  return TRUE;
}

/* ---- Reading the content ----------------------------------------------- */

static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  const char *s = (const char *)sqlite3_column_text (stmt, col);
  return g_strdup (s != NULL ? s : "");
}

const VkElection *
vk_package_get_election (VkPackage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->election;
}

/* The lists (with their candidates) and valgforbund of one contest. */
static gboolean
read_lists (VkDb *db, VkElection *e, GError **error)
{
  const char *contest = vk_election_contest_id (e);
  g_autoptr (sqlite3_stmt) st = NULL;
  g_autoptr (sqlite3_stmt) cs = NULL;
  g_autoptr (sqlite3_stmt) ms = NULL;
  g_autoptr (sqlite3_stmt) ks = NULL;
  int rc;

  st = vk_db_prepare (db, "SELECT id, letter, name, position, form FROM list WHERE contest = ? ORDER BY position, id",
                      error);
  cs = vk_db_prepare (db,
                      "SELECT id, name, ballot_name, position, occupation, residence FROM candidate "
                      "WHERE list_id = ? ORDER BY position, id",
                      error);
  ks = vk_db_prepare (db, "SELECT kreds, position FROM candidate_kreds WHERE candidate_id = ? ORDER BY kreds", error);
  if (st == NULL || cs == NULL || ks == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, contest, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *form = (const char *)sqlite3_column_text (st, 4);
      VkList *l = vk_election_add_list (e, (const char *)sqlite3_column_text (st, 0),
                                        (const char *)sqlite3_column_text (st, 1),
                                        (const char *)sqlite3_column_text (st, 2), (guint)sqlite3_column_int64 (st, 3),
                                        g_strcmp0 (form, "partiliste") == 0 ? VK_LIST_PARTILISTE : VK_LIST_SIDEORDNET);

      sqlite3_bind_text (cs, 1, l->id, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (cs)) == SQLITE_ROW)
        {
          VkCandidate *c = vk_election_add_candidate (
              e, l, (const char *)sqlite3_column_text (cs, 0), (const char *)sqlite3_column_text (cs, 1),
              (const char *)sqlite3_column_text (cs, 2), (guint)sqlite3_column_int64 (cs, 3));
          g_free (c->occupation);
          c->occupation = column_dup (cs, 4);
          g_free (c->residence);
          c->residence = column_dup (cs, 5);
          sqlite3_bind_text (ks, 1, c->id, -1, SQLITE_STATIC);
          while (sqlite3_step (ks) == SQLITE_ROW)
            vk_election_candidate_add_kreds (c, (const char *)sqlite3_column_text (ks, 0),
                                             (guint)sqlite3_column_int64 (ks, 1));
          sqlite3_reset (ks);
        }
      sqlite3_reset (cs);
      if (rc != SQLITE_DONE)
        break;
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (db, error, "cannot read the lists");
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (db, "SELECT id, name FROM valgforbund WHERE contest = ? ORDER BY id", error);
  ms = vk_db_prepare (db, "SELECT list_id FROM valgforbund_member WHERE valgforbund_id = ? ORDER BY position", error);
  if (st == NULL || ms == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, contest, -1, SQLITE_STATIC);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      VkValgforbund *vf = vk_election_add_valgforbund (e, (const char *)sqlite3_column_text (st, 0),
                                                       (const char *)sqlite3_column_text (st, 1));

      sqlite3_bind_text (ms, 1, vf->id, -1, SQLITE_STATIC);
      while (sqlite3_step (ms) == SQLITE_ROW)
        if (!vk_election_valgforbund_add_list (e, vf, (const char *)sqlite3_column_text (ms, 0), error))
          {
            /* A member list of another contest, say. */
            g_prefix_error (error, "%s: %s contest: ", vk_db_get_path (db), contest);
            return FALSE;
          }
      sqlite3_reset (ms);
    }
  return TRUE;
}

/* Every list and valgforbund row must name one of the event's contests:
 * one that does not would be signed but never read. */
static gboolean
check_contest_names (VkDb *db, const VkElection *e, GError **error)
{
  static const char *const tables[] = { "list", "valgforbund" };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *sql = g_strdup_printf (
          "SELECT id, contest FROM %s WHERE contest <> ?1 AND contest NOT IN (SELECT id FROM contest) LIMIT 1",
          tables[t]);
      g_autoptr (sqlite3_stmt) st = vk_db_prepare (db, sql, error);
      int rc;

      if (st == NULL)
        return FALSE;
      sqlite3_bind_text (st, 1, vk_election_contest_id (e), -1, SQLITE_STATIC);
      rc = sqlite3_step (st);
      if (rc == SQLITE_ROW)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s %s: the event has no contest \"%s\"",
                       vk_db_get_path (db), tables[t], (const char *)sqlite3_column_text (st, 0),
                       (const char *)sqlite3_column_text (st, 1));
          return FALSE;
        }
      if (rc != SQLITE_DONE)
        return vk_db_set_error (db, error, "cannot read the contests");
    }
  return TRUE;
}

/* The contests after the primary (format 2): each with its lists,
 * valgforbund, and the event's areas with its own eligible voters. */
static gboolean
read_contests (VkDb *db, VkElection *e, GError **error)
{
  g_autoptr (sqlite3_stmt) st = NULL;
  g_autoptr (sqlite3_stmt) as = NULL;
  int rc;

  st = vk_db_prepare (db, "SELECT id, type, region, region_dagi_id, seats, title FROM contest ORDER BY position",
                      error);
  as = vk_db_prepare (db, "SELECT area, eligible FROM area_contest WHERE contest = ? ORDER BY area", error);
  if (st == NULL || as == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autoptr (VkElection) c = vk_election_new ();
      const char *id = (const char *)sqlite3_column_text (st, 0);
      VkElection *added;
      guint n_areas = 0;

      if (!vk_election_type_from_string ((const char *)sqlite3_column_text (st, 1), &c->type))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: contest %s: unknown type", vk_db_get_path (db), id);
          return FALSE;
        }
      g_free (c->region);
      c->region = column_dup (st, 2);
      g_free (c->region_dagi_id);
      c->region_dagi_id = column_dup (st, 3);
      c->seats = (guint)sqlite3_column_int64 (st, 4);
      g_free (c->title);
      c->title = column_dup (st, 5);
      if (g_strcmp0 (id, vk_election_type_to_string (c->type)) != 0)
        c->contest_id = g_strdup (id);
      if (!read_lists (db, c, error))
        return FALSE;
      vk_election_copy_areas (c, e);
      sqlite3_bind_text (as, 1, id, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (as)) == SQLITE_ROW)
        {
          VkArea *a = vk_election_lookup_area (c, (guint)sqlite3_column_int64 (as, 0));

          /* Foreign keys are not checked on reading: a signed package
           * could still name an area the event does not have. */
          if (a == NULL)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: contest %s: eligible voters for an unknown area %u",
                           vk_db_get_path (db), id, (guint)sqlite3_column_int64 (as, 0));
              return FALSE;
            }
          a->eligible = (guint)sqlite3_column_int64 (as, 1);
          n_areas++;
        }
      sqlite3_reset (as);
      if (rc != SQLITE_DONE)
        break;
      if (n_areas != c->areas->len)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: contest %s has eligible voters for %u of the event's %u afstemningsområder",
                       vk_db_get_path (db), id, n_areas, c->areas->len);
          return FALSE;
        }
      added = g_steal_pointer (&c);
      if (!vk_election_add_contest (e, added, error))
        {
          g_prefix_error (error, "%s: ", vk_db_get_path (db));
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (db, error, "cannot read the contests");
  return check_contest_names (db, e, error);
}

VkElection *
vk_package_dup_election (VkPackage *self, GError **error)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (sqlite3_stmt) st = NULL;
  VkDb *db;

  g_return_val_if_fail (self != NULL, NULL);
  db = self->db;

  st = vk_db_prepare (db,
                      "SELECT type, date, municipality, municipality_code, municipality_dagi_id, seats, region, "
                      "region_dagi_id, test, title FROM election",
                      error);
  if (st == NULL)
    return NULL;
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      vk_db_set_error (db, error, "cannot read the election");
      return NULL;
    }
  (void)vk_election_type_from_string ((const char *)sqlite3_column_text (st, 0), &e->type);
  g_free (e->date);
  e->date = column_dup (st, 1);
  g_free (e->municipality);
  e->municipality = column_dup (st, 2);
  g_free (e->municipality_code);
  e->municipality_code = column_dup (st, 3);
  g_free (e->municipality_dagi_id);
  e->municipality_dagi_id = column_dup (st, 4);
  e->seats = (guint)sqlite3_column_int64 (st, 5);
  g_free (e->region);
  e->region = column_dup (st, 6);
  g_free (e->region_dagi_id);
  e->region_dagi_id = column_dup (st, 7);
  e->test = sqlite3_column_int64 (st, 8) != 0;
  g_free (e->title);
  e->title = column_dup (st, 9);
  g_clear_pointer (&st, sqlite3_finalize);

  if (!read_lists (db, e, error))
    return NULL;

  st = vk_db_prepare (
      db, "SELECT number, name, dagi_id, eligible, kreds, kreds_name, valgdk_number FROM area ORDER BY number", error);
  if (st == NULL)
    return NULL;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      VkArea *a
          = vk_election_add_area (e, (guint)sqlite3_column_int64 (st, 0), (const char *)sqlite3_column_text (st, 1),
                                  (const char *)sqlite3_column_text (st, 2), (guint)sqlite3_column_int64 (st, 3));

      vk_election_area_set_kreds (a, (const char *)sqlite3_column_text (st, 4),
                                  (const char *)sqlite3_column_text (st, 5));
      if (sqlite3_column_type (st, 6) == SQLITE_INTEGER)
        {
          a->has_valgdk_number = TRUE;
          a->valgdk_number = (guint)sqlite3_column_int64 (st, 6);
        }
    }

  if (!read_contests (db, e, error))
    return NULL;
  return g_steal_pointer (&e);
}

VkVoterList *
vk_package_dup_voters (VkPackage *self, guint area, GError **error)
{
  g_autoptr (VkVoterList) list = vk_voter_list_new ();
  g_autoptr (sqlite3_stmt) st = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  /* As in vk_package_count_voters(): no "?1 = 0 OR area = ?1", which
   * would scan every voter to read one area. */
  if (area == 0)
    st = vk_db_prepare (
        self->db, "SELECT area, loebenummer, name, address, birth_date, contests FROM voter ORDER BY area, loebenummer",
        error);
  else
    st = vk_db_prepare (self->db,
                        "SELECT area, loebenummer, name, address, birth_date, contests FROM voter WHERE area = ?1 "
                        "ORDER BY area, loebenummer",
                        error);
  if (st == NULL)
    return NULL;
  if (area != 0)
    sqlite3_bind_int64 (st, 1, area);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    if (!vk_voter_list_add_full (list, (guint)sqlite3_column_int64 (st, 0), (guint)sqlite3_column_int64 (st, 1),
                                 (const char *)sqlite3_column_text (st, 2), (const char *)sqlite3_column_text (st, 3),
                                 (const char *)sqlite3_column_text (st, 4), (const char *)sqlite3_column_text (st, 5),
                                 error))
      return NULL;
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self->db, error, "cannot read the voters");
      return NULL;
    }
  return g_steal_pointer (&list);
}

VkVoter *
vk_package_lookup_voter (VkPackage *self, guint area, guint loebenummer, GError **error)
{
  g_autoptr (sqlite3_stmt) st = NULL;
  VkVoter *v;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  st = vk_db_prepare (
      self->db, "SELECT name, address, birth_date, contests FROM voter WHERE area = ? AND loebenummer = ?", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, area);
  sqlite3_bind_int64 (st, 2, loebenummer);
  rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "no voter %u in afstemningsområde %u", loebenummer, area);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      vk_db_set_error (self->db, error, "cannot read the voters");
      return NULL;
    }
  v = g_new0 (VkVoter, 1);
  v->area = area;
  v->loebenummer = loebenummer;
  v->name = column_dup (st, 0);
  v->address = column_dup (st, 1);
  v->birth_date = column_dup (st, 2);
  v->contests = column_dup (st, 3);
  return v;
}

gint64
vk_package_count_voters (VkPackage *self, guint area, GError **error)
{
  g_autoptr (sqlite3_stmt) st = NULL;

  g_return_val_if_fail (self != NULL, -1);

  /* Two statements, not "?1 = 0 OR area = ?1": SQLite cannot use the
   * (area, loebenummer) key for that OR, so counting one area scanned
   * every voter of the package (a full scan per area, per result). */
  if (area == 0)
    st = vk_db_prepare (self->db, "SELECT count(*) FROM voter", error);
  else
    st = vk_db_prepare (self->db, "SELECT count(*) FROM voter WHERE area = ?1", error);
  if (st == NULL)
    return -1;
  if (area != 0)
    sqlite3_bind_int64 (st, 1, area);
  if (sqlite3_step (st) != SQLITE_ROW)
    {
      vk_db_set_error (self->db, error, "cannot count the voters");
      return -1;
    }
  return sqlite3_column_int64 (st, 0);
}
