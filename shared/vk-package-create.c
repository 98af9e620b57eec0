/* vk-package-create.c: writing and signing a new election package.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/package-format.md §1–§4; keep the two in step.
 */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vk-cose.h"
#include "vk-error.h"
#include "vk-package-private.h"

/* The schema of format 3 (VK_PACKAGE_SCHEMA_VERSION).  Every table is
 * STRICT; CHECK constraints keep the values inside what the canonical
 * digest can encode (unsigned integers), so a package that opens always
 * has a well-defined digest.  A package is written once and never
 * upgraded: a format 1 or 2 file is refused (vk-package.c), not migrated. */
static const char schema[] = "CREATE TABLE package (\n"
                             "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
                             "  format TEXT NOT NULL,\n"
                             "  election_id BLOB NOT NULL CHECK (length (election_id) = 32),\n"
                             "  election_key BLOB NOT NULL CHECK (length (election_key) = 32),\n"
                             "  signature BLOB NOT NULL\n"
                             ") STRICT;\n"
                             "CREATE TABLE section_digest (\n"
                             "  section TEXT PRIMARY KEY,\n"
                             "  sha256 BLOB NOT NULL CHECK (length (sha256) = 32)\n"
                             ") STRICT;\n"
                             "CREATE TABLE election (\n"
                             "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
                             "  type TEXT NOT NULL CHECK (type IN ('KV', 'RV', 'FV', 'EP', 'FA')),\n"
                             "  date TEXT NOT NULL,\n"
                             "  municipality TEXT NOT NULL,\n"
                             "  municipality_code TEXT NOT NULL,\n"
                             "  municipality_dagi_id TEXT NOT NULL,\n"
                             "  seats INTEGER NOT NULL CHECK (seats >= 0),\n"
                             "  region TEXT NOT NULL,\n"
                             "  region_dagi_id TEXT NOT NULL,\n"
                             "  test INTEGER NOT NULL CHECK (test IN (0, 1)),\n"
                             "  title TEXT NOT NULL\n"
                             ") STRICT;\n"
                             "CREATE TABLE contest (\n"
                             "  id TEXT PRIMARY KEY CHECK (substr (id, 1, 2) = type),\n"
                             "  position INTEGER NOT NULL UNIQUE CHECK (position >= 1),\n"
                             "  type TEXT NOT NULL CHECK (type IN ('KV', 'RV', 'FV', 'EP', 'FA')),\n"
                             "  region TEXT NOT NULL,\n"
                             "  region_dagi_id TEXT NOT NULL,\n"
                             "  seats INTEGER NOT NULL CHECK (seats >= 0),\n"
                             "  title TEXT NOT NULL\n"
                             ") STRICT;\n"
                             "CREATE TABLE list (\n"
                             "  id TEXT PRIMARY KEY,\n"
                             "  position INTEGER NOT NULL CHECK (position >= 0),\n"
                             "  letter TEXT NOT NULL,\n"
                             "  name TEXT NOT NULL,\n"
                             "  form TEXT NOT NULL CHECK (form IN ('sideordnet', 'partiliste')),\n"
                             "  contest TEXT NOT NULL\n"
                             ") STRICT;\n"
                             "CREATE INDEX list_by_contest ON list (contest, position);\n"
                             "CREATE TABLE candidate (\n"
                             "  id TEXT PRIMARY KEY,\n"
                             "  list_id TEXT NOT NULL REFERENCES list (id),\n"
                             "  position INTEGER NOT NULL CHECK (position >= 0),\n"
                             "  name TEXT NOT NULL,\n"
                             "  ballot_name TEXT NOT NULL,\n"
                             "  occupation TEXT NOT NULL,\n"
                             "  residence TEXT NOT NULL\n"
                             ") STRICT;\n"
                             "CREATE INDEX candidate_by_list ON candidate (list_id, position);\n"
                             "CREATE TABLE candidate_kreds (\n"
                             "  candidate_id TEXT NOT NULL REFERENCES candidate (id),\n"
                             "  kreds TEXT NOT NULL,\n"
                             "  position INTEGER NOT NULL CHECK (position >= 0),\n"
                             "  PRIMARY KEY (candidate_id, kreds)\n"
                             ") STRICT, WITHOUT ROWID;\n"
                             "CREATE TABLE valgforbund (\n"
                             "  id TEXT PRIMARY KEY,\n"
                             "  name TEXT NOT NULL,\n"
                             "  contest TEXT NOT NULL\n"
                             ") STRICT;\n"
                             "CREATE TABLE valgforbund_member (\n"
                             "  valgforbund_id TEXT NOT NULL REFERENCES valgforbund (id),\n"
                             "  position INTEGER NOT NULL CHECK (position >= 0),\n"
                             "  list_id TEXT NOT NULL UNIQUE REFERENCES list (id),\n"
                             "  PRIMARY KEY (valgforbund_id, position)\n"
                             ") STRICT;\n"
                             "CREATE TABLE area (\n"
                             "  number INTEGER PRIMARY KEY CHECK (number >= 1),\n"
                             "  name TEXT NOT NULL,\n"
                             "  dagi_id TEXT NOT NULL,\n"
                             "  eligible INTEGER NOT NULL CHECK (eligible >= 0),\n"
                             "  kreds TEXT NOT NULL,\n"
                             "  kreds_name TEXT NOT NULL,\n"
                             "  valgdk_number INTEGER CHECK (valgdk_number BETWEEN 0 AND 2147483647)\n"
                             ") STRICT;\n"
                             "CREATE TABLE area_contest (\n"
                             "  contest TEXT NOT NULL REFERENCES contest (id),\n"
                             "  area INTEGER NOT NULL REFERENCES area (number),\n"
                             "  eligible INTEGER NOT NULL CHECK (eligible >= 0),\n"
                             "  PRIMARY KEY (contest, area)\n"
                             ") STRICT, WITHOUT ROWID;\n"
                             "CREATE TABLE voter (\n"
                             "  area INTEGER NOT NULL REFERENCES area (number),\n"
                             "  loebenummer INTEGER NOT NULL CHECK (loebenummer >= 1),\n"
                             "  name TEXT NOT NULL,\n"
                             "  address TEXT NOT NULL,\n"
                             "  birth_date TEXT NOT NULL,\n"
                             "  contests TEXT NOT NULL,\n"
                             "  PRIMARY KEY (area, loebenummer)\n"
                             ") STRICT, WITHOUT ROWID;\n"
                             "CREATE TABLE device (\n"
                             "  device_id TEXT PRIMARY KEY,\n"
                             "  role TEXT NOT NULL,\n"
                             "  area INTEGER REFERENCES area (number),\n"
                             "  public_key BLOB NOT NULL CHECK (length (public_key) = 32),\n"
                             "  valid_from INTEGER NOT NULL CHECK (valid_from >= 0),\n"
                             "  valid_to INTEGER NOT NULL CHECK (valid_to >= valid_from),\n"
                             "  enrolment BLOB NOT NULL,\n"
                             "  tls_sha256 BLOB CHECK (tls_sha256 IS NULL\n"
                             "                         OR (length (tls_sha256) = 32 AND role = 'server'))\n"
                             ") STRICT;\n";

/* ---- Creating ---------------------------------------------------------- */

static gboolean
bind_step (VkDb *db, sqlite3_stmt *stmt, GError **error)
{
  gboolean ok = vk_db_step_done (db, stmt, error);

  sqlite3_clear_bindings (stmt);
  return ok;
}

/* One contest's lists, candidates and valgforbund, each row naming the
 * contest. */
static gboolean
insert_lists (VkDb *db, const VkElection *e, GError **error)
{
  const char *contest = vk_election_contest_id (e);
  g_autoptr (sqlite3_stmt) li = NULL;
  g_autoptr (sqlite3_stmt) ci = NULL;
  g_autoptr (sqlite3_stmt) vi = NULL;
  g_autoptr (sqlite3_stmt) mi = NULL;
  g_autoptr (sqlite3_stmt) ki = NULL;

  li = vk_db_prepare (db, "INSERT INTO list (id, position, letter, name, form, contest) VALUES (?, ?, ?, ?, ?, ?)",
                      error);
  if (li == NULL)
    return FALSE;
  ci = vk_db_prepare (db,
                      "INSERT INTO candidate (id, list_id, position, name, ballot_name, occupation, residence) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      error);
  if (ci == NULL)
    return FALSE;
  ki = vk_db_prepare (db, "INSERT INTO candidate_kreds (candidate_id, kreds, position) VALUES (?, ?, ?)", error);
  if (ki == NULL)
    return FALSE;
  for (guint i = 0; i < e->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (e->lists, i);

      sqlite3_bind_text (li, 1, l->id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (li, 2, l->position);
      sqlite3_bind_text (li, 3, l->letter, -1, SQLITE_STATIC);
      sqlite3_bind_text (li, 4, l->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (li, 5, l->form == VK_LIST_PARTILISTE ? "partiliste" : "sideordnet", -1, SQLITE_STATIC);
      sqlite3_bind_text (li, 6, contest, -1, SQLITE_STATIC);
      if (!bind_step (db, li, error))
        {
          g_prefix_error (error, "%s list %s: ", contest, l->id);
          return FALSE;
        }
      for (guint j = 0; j < l->candidates->len; j++)
        {
          const VkCandidate *c = g_ptr_array_index (l->candidates, j);

          sqlite3_bind_text (ci, 1, c->id, -1, SQLITE_STATIC);
          sqlite3_bind_text (ci, 2, l->id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (ci, 3, c->position);
          sqlite3_bind_text (ci, 4, c->name, -1, SQLITE_STATIC);
          sqlite3_bind_text (ci, 5, c->ballot_name, -1, SQLITE_STATIC);
          sqlite3_bind_text (ci, 6, c->occupation != NULL ? c->occupation : "", -1, SQLITE_STATIC);
          sqlite3_bind_text (ci, 7, c->residence != NULL ? c->residence : "", -1, SQLITE_STATIC);
          if (!bind_step (db, ci, error))
            {
              g_prefix_error (error, "%s candidate %s: ", contest, c->id);
              return FALSE;
            }
          for (guint k = 0; c->kredse != NULL && k < c->kredse->len; k++)
            {
              const VkCandidateKreds *ck = g_ptr_array_index (c->kredse, k);

              sqlite3_bind_text (ki, 1, c->id, -1, SQLITE_STATIC);
              sqlite3_bind_text (ki, 2, ck->kreds, -1, SQLITE_STATIC);
              sqlite3_bind_int64 (ki, 3, ck->position);
              if (!bind_step (db, ki, error))
                {
                  g_prefix_error (error, "%s candidate %s in kreds %s: ", contest, c->id, ck->kreds);
                  return FALSE;
                }
            }
        }
    }

  vi = vk_db_prepare (db, "INSERT INTO valgforbund (id, name, contest) VALUES (?, ?, ?)", error);
  if (vi == NULL)
    return FALSE;
  mi = vk_db_prepare (db, "INSERT INTO valgforbund_member (valgforbund_id, position, list_id) VALUES (?, ?, ?)", error);
  if (mi == NULL)
    return FALSE;
  for (guint i = 0; i < e->valgforbund->len; i++)
    {
      const VkValgforbund *vf = g_ptr_array_index (e->valgforbund, i);

      sqlite3_bind_text (vi, 1, vf->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (vi, 2, vf->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (vi, 3, contest, -1, SQLITE_STATIC);
      if (!bind_step (db, vi, error))
        {
          g_prefix_error (error, "%s valgforbund %s: ", contest, vf->id);
          return FALSE;
        }
      for (guint j = 0; j < vf->list_ids->len; j++)
        {
          const char *list_id = g_ptr_array_index (vf->list_ids, j);

          /* A valgforbund joins lists of its own contest only. */
          if (vk_election_lookup_list (e, list_id) == NULL)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s valgforbund %s: list %s is not in the %s contest",
                           vk_db_get_path (db), contest, vf->id, list_id, contest);
              return FALSE;
            }
          sqlite3_bind_text (mi, 1, vf->id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (mi, 2, j);
          sqlite3_bind_text (mi, 3, list_id, -1, SQLITE_STATIC);
          if (!bind_step (db, mi, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* A contest after the primary: its row, and its eligible voters in each
 * of the event's areas (it must have exactly the event's areas). */
static gboolean
insert_contest (VkDb *db, const VkElection *event, const VkElection *c, guint position, GError **error)
{
  const char *id = vk_election_contest_id (c);
  g_autoptr (sqlite3_stmt) st = NULL;

  if (c->areas->len != event->areas->len)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: the %s contest has %u afstemningsområder, the event %u (every contest has every area)",
                   vk_db_get_path (db), id, c->areas->len, event->areas->len);
      return FALSE;
    }
  st = vk_db_prepare (db,
                      "INSERT INTO contest (id, position, type, region, region_dagi_id, seats, title) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, position);
  sqlite3_bind_text (st, 3, vk_election_type_to_string (c->type), -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, c->region != NULL ? c->region : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, c->region_dagi_id != NULL ? c->region_dagi_id : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 6, c->seats);
  sqlite3_bind_text (st, 7, c->title != NULL ? c->title : "", -1, SQLITE_STATIC);
  if (!bind_step (db, st, error))
    {
      g_prefix_error (error, "contest %s: ", id);
      return FALSE;
    }
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (db, "INSERT INTO area_contest (contest, area, eligible) VALUES (?, ?, ?)", error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < event->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (event->areas, i);
      const VkArea *ca = vk_election_lookup_area (c, a->number);

      if (ca == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: the %s contest has no afstemningsområde %u (every contest has every area)",
                       vk_db_get_path (db), id, a->number);
          return FALSE;
        }
      sqlite3_bind_text (st, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, a->number);
      sqlite3_bind_int64 (st, 3, ca->eligible);
      if (!bind_step (db, st, error))
        return FALSE;
    }
  return insert_lists (db, c, error);
}

static gboolean
insert_content (VkDb *db, const VkElection *e, const VkVoterList *voters, GError **error)
{
  g_autoptr (sqlite3_stmt) st = NULL;

  st = vk_db_prepare (db,
                      "INSERT INTO election (id, type, date, municipality, municipality_code, municipality_dagi_id, "
                      "seats, region, region_dagi_id, test, title) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, vk_election_type_to_string (e->type), -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, e->date, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, e->municipality, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, e->municipality_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, e->municipality_dagi_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 6, e->seats);
  sqlite3_bind_text (st, 7, e->region != NULL ? e->region : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 8, e->region_dagi_id != NULL ? e->region_dagi_id : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 9, e->test ? 1 : 0);
  sqlite3_bind_text (st, 10, e->title != NULL ? e->title : "", -1, SQLITE_STATIC);
  if (!bind_step (db, st, error))
    return FALSE;
  g_clear_pointer (&st, sqlite3_finalize);

  if (!insert_lists (db, e, error))
    return FALSE;

  {
    g_autoptr (sqlite3_stmt) ai = vk_db_prepare (db,
                                                 "INSERT INTO area (number, name, dagi_id, eligible, kreds, "
                                                 "kreds_name, valgdk_number) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                                 error);

    if (ai == NULL)
      return FALSE;
    for (guint i = 0; i < e->areas->len; i++)
      {
        const VkArea *a = g_ptr_array_index (e->areas, i);

        if (a->number == 0)
          {
            g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: area \"%s\" has number 0", vk_db_get_path (db),
                         a->name);
            return FALSE;
          }
        sqlite3_bind_int64 (ai, 1, a->number);
        sqlite3_bind_text (ai, 2, a->name, -1, SQLITE_STATIC);
        sqlite3_bind_text (ai, 3, a->dagi_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (ai, 4, a->eligible);
        sqlite3_bind_text (ai, 5, a->kreds != NULL ? a->kreds : "", -1, SQLITE_STATIC);
        sqlite3_bind_text (ai, 6, a->kreds_name != NULL ? a->kreds_name : "", -1, SQLITE_STATIC);
        /* NULL: valg.dk's number is valgkit's. */
        if (a->has_valgdk_number)
          sqlite3_bind_int64 (ai, 7, a->valgdk_number);
        else
          sqlite3_bind_null (ai, 7);
        if (!bind_step (db, ai, error))
          return FALSE;
      }
  }

  /* The contests after the primary, in the event's order. */
  for (guint i = 1; i < vk_election_get_n_contests (e); i++)
    if (!insert_contest (db, e, vk_election_get_contest_nth (e, i), i, error))
      return FALSE;

  if (voters != NULL)
    {
      g_autoptr (sqlite3_stmt) vo
          = vk_db_prepare (db,
                           "INSERT INTO voter (area, loebenummer, name, address, birth_date, contests) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           error);
      /* A voter's contests as stored: only the event's (a few distinct
       * values, each computed once). */
      g_autoptr (GHashTable) canonical = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

      if (vo == NULL)
        return FALSE;
      for (guint i = 0; i < vk_voter_list_get_length (voters); i++)
        {
          const VkVoter *v = vk_voter_list_get (voters, i);

          if (vk_election_lookup_area (e, v->area) == NULL)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                           "%s: voter %u in area %u: the election has no afstemningsområde %u", vk_db_get_path (db),
                           v->loebenummer, v->area, v->area);
              return FALSE;
            }
          sqlite3_bind_int64 (vo, 1, v->area);
          sqlite3_bind_int64 (vo, 2, v->loebenummer);
          sqlite3_bind_text (vo, 3, v->name, -1, SQLITE_STATIC);
          sqlite3_bind_text (vo, 4, v->address, -1, SQLITE_STATIC);
          sqlite3_bind_text (vo, 5, v->birth_date, -1, SQLITE_STATIC);
          {
            const char *in = v->contests != NULL ? v->contests : "";
            const char *c = g_hash_table_lookup (canonical, in);

            if (c == NULL)
              {
                char *dup = vk_election_canonical_voter_contests (e, in);

                if (dup == NULL)
                  {
                    g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: voter %u in area %u: bad contests \"%s\"",
                                 vk_db_get_path (db), v->loebenummer, v->area, in);
                    return FALSE;
                  }
                g_hash_table_insert (canonical, (gpointer)in, dup);
                c = dup;
              }
            sqlite3_bind_text (vo, 6, c, -1, SQLITE_STATIC);
          }
          if (!bind_step (db, vo, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
sign_content (VkDb *db, const VkKeypair *key, GError **error)
{
  guint8 digests[VK_PACKAGE_N_SECTIONS][32];
  guint8 election_id[VK_ELECTION_ID_BYTES];
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autoptr (sqlite3_stmt) st = NULL;
  const guint8 *public_key = vk_keypair_get_public_key (key);

  if (!vk_package_hash_sections (db, digests, error))
    return FALSE;
  vk_package_combine_sections (public_key, digests, election_id);
  payload = vk_package_signed_payload (election_id);
  signature = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), key, error);
  if (signature == NULL)
    return FALSE;

  st = vk_db_prepare (db, "INSERT INTO section_digest (section, sha256) VALUES (?, ?)", error);
  if (st == NULL)
    return FALSE;
  for (guint s = 0; s < VK_PACKAGE_N_SECTIONS; s++)
    {
      sqlite3_bind_text (st, 1, vk_package_section_names[s], -1, SQLITE_STATIC);
      sqlite3_bind_blob (st, 2, digests[s], 32, SQLITE_STATIC);
      if (!bind_step (db, st, error))
        return FALSE;
    }
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (
      db, "INSERT INTO package (id, format, election_id, election_key, signature) VALUES (1, ?, ?, ?, ?)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, VK_PACKAGE_FORMAT, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 2, election_id, VK_ELECTION_ID_BYTES, SQLITE_STATIC);
  sqlite3_bind_blob (st, 3, public_key, VK_PUBLIC_KEY_BYTES, SQLITE_STATIC);
  sqlite3_bind_blob (st, 4, g_bytes_get_data (signature, NULL), (int)g_bytes_get_size (signature), SQLITE_STATIC);
  return bind_step (db, st, error);
}

VkPackage *
vk_package_create (const char *path, const VkElection *election, const VkVoterList *voters,
                   const VkKeypair *election_key, GError **error)
{
  g_autofree char *tmp = NULL;
  g_autoptr (VkDb) db = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (election != NULL, NULL);
  g_return_val_if_fail (election->event == election, NULL); /* the event, i.e. its primary contest */
  g_return_val_if_fail (election_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vk_crypto_init (error))
    return NULL;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: already exists (a package is never overwritten)", path);
      return NULL;
    }

  /* Written under a temporary name, so that a half-written package is
   * never mistaken for one. */
  tmp = g_strconcat (path, ".partial", NULL);
  (void)g_unlink (tmp);
  db = vk_db_open (tmp, VK_PACKAGE_APPLICATION_ID, VK_DB_CREATE, error);
  if (db == NULL)
    return NULL;
  ok = vk_db_begin_immediate (db, error);
  if (ok)
    {
      g_autofree char *version = g_strdup_printf ("PRAGMA user_version = %d", VK_PACKAGE_SCHEMA_VERSION);

      ok = vk_db_exec (db, schema, error) && vk_db_exec (db, version, error)
           && insert_content (db, election, voters, error) && sign_content (db, election_key, error)
           && vk_db_commit (db, error);
      if (!ok)
        vk_db_rollback (db);
    }
  g_clear_pointer (&db, vk_db_close);
  /* No package exists at path (checked above), so a journal by its name
   * is a stale one, of an earlier file with that name: it must not be
   * taken for this package's hot journal and replayed into it. */
  if (ok)
    {
      g_autofree char *journal = g_strconcat (path, "-journal", NULL);
      (void)g_unlink (journal);
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot rename into place: %s", path, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    {
      (void)g_unlink (tmp);
      return NULL;
    }
  /* Verify what was written before handing it out: a fault while writing
   * must not produce a package that only fails at the stations. */
  return vk_package_open (path, error);
}
