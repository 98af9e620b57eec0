/* vk-package.c: the election package (.vkp), signed by the election key.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format is specified in docs/package-format.md; keep the two in step.
 */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-db.h"
#include "vk-error.h"
#include "vk-package.h"

#define PACKAGE_FORMAT "valgkit-package-v1"
#define SIGNATURE_CONTEXT "valgkit-package"

struct _VkPackage
{
  VkDb *db;
  char *path;
  guint8 election_id[VK_ELECTION_ID_BYTES];
  guint8 election_key[VK_PUBLIC_KEY_BYTES];
  GHashTable *devices; /* device id -> VkDevice */
};

/* The schema.  Every table is STRICT; CHECK constraints keep the values
 * inside what the canonical digest can encode (unsigned integers), so a
 * package that opens always has a well-defined digest. */
static const char *const migrations[] = {
  "CREATE TABLE package (\n"
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
  "  seats INTEGER NOT NULL CHECK (seats >= 0)\n"
  ") STRICT;\n"
  "CREATE TABLE list (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  position INTEGER NOT NULL CHECK (position >= 0),\n"
  "  letter TEXT NOT NULL,\n"
  "  name TEXT NOT NULL,\n"
  "  form TEXT NOT NULL CHECK (form IN ('sideordnet', 'partiliste'))\n"
  ") STRICT;\n"
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
  "CREATE TABLE valgforbund (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  name TEXT NOT NULL\n"
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
  "  eligible INTEGER NOT NULL CHECK (eligible >= 0)\n"
  ") STRICT;\n"
  "CREATE TABLE voter (\n"
  "  area INTEGER NOT NULL REFERENCES area (number),\n"
  "  loebenummer INTEGER NOT NULL CHECK (loebenummer >= 1),\n"
  "  name TEXT NOT NULL,\n"
  "  address TEXT NOT NULL,\n"
  "  birth_date TEXT NOT NULL,\n"
  "  PRIMARY KEY (area, loebenummer)\n"
  ") STRICT, WITHOUT ROWID;\n"
  "CREATE TABLE device (\n"
  "  device_id TEXT PRIMARY KEY,\n"
  "  role TEXT NOT NULL,\n"
  "  area INTEGER REFERENCES area (number),\n"
  "  public_key BLOB NOT NULL CHECK (length (public_key) = 32),\n"
  "  valid_from INTEGER NOT NULL CHECK (valid_from >= 0),\n"
  "  valid_to INTEGER NOT NULL CHECK (valid_to >= valid_from),\n"
  "  enrolment BLOB NOT NULL\n"
  ") STRICT;\n",
};

/* ---- Devices ----------------------------------------------------------- */

void
vk_device_free (VkDevice *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self->role);
  g_clear_pointer (&self->enrolment, g_bytes_unref);
  g_free (self);
}

static VkDevice *
device_copy (const VkDevice *d)
{
  VkDevice *c = g_memdup2 (d, sizeof *d);

  c->device_id = g_strdup (d->device_id);
  c->role = g_strdup (d->role);
  c->enrolment = g_bytes_ref (d->enrolment);
  return c;
}

gboolean
vk_device_is_valid_at (const VkDevice *self, guint64 time_ms)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return time_ms >= self->valid_from && time_ms <= self->valid_to;
}

gboolean
vk_device_role_is_valid (const char *role)
{
  return vk_device_role_from_string (role) != VK_ROLE_INVALID;
}

/* ---- The canonical digest --------------------------------------------- */

/* A streaming deterministic-CBOR writer into SHA-256.  The sections hold
 * up to a municipality's whole voter list, so the encoding is hashed as
 * it is produced instead of being built as a tree.  Only definite-length
 * arrays, unsigned integers, text and byte strings are written, always
 * with the shortest head, which is all RFC 8949 §4.2.1 asks of them. */
typedef struct
{
  GChecksum *sum;
  GByteArray *buf;
} Writer;

static void
writer_init (Writer *w)
{
  w->sum = g_checksum_new (G_CHECKSUM_SHA256);
  w->buf = g_byte_array_sized_new (64 * 1024);
}

static void
writer_flush (Writer *w)
{
  g_checksum_update (w->sum, w->buf->data, w->buf->len);
  g_byte_array_set_size (w->buf, 0);
}

static void
writer_finish (Writer *w, guint8 ret_digest[32])
{
  gsize len = 32;

  writer_flush (w);
  g_checksum_get_digest (w->sum, ret_digest, &len);
  g_checksum_free (w->sum);
  g_byte_array_unref (w->buf);
}

static void
put_head (Writer *w, guint8 major, guint64 value)
{
  guint8 head[9];
  gsize n;

  if (value < 24)
    {
      head[0] = (guint8)(major << 5 | value);
      n = 1;
    }
  else if (value <= G_MAXUINT8)
    {
      head[0] = (guint8)(major << 5 | 24);
      head[1] = (guint8)value;
      n = 2;
    }
  else if (value <= G_MAXUINT16)
    {
      head[0] = (guint8)(major << 5 | 25);
      for (guint i = 0; i < 2; i++)
        head[1 + i] = (guint8)(value >> (8 * (1 - i)));
      n = 3;
    }
  else if (value <= G_MAXUINT32)
    {
      head[0] = (guint8)(major << 5 | 26);
      for (guint i = 0; i < 4; i++)
        head[1 + i] = (guint8)(value >> (8 * (3 - i)));
      n = 5;
    }
  else
    {
      head[0] = (guint8)(major << 5 | 27);
      for (guint i = 0; i < 8; i++)
        head[1 + i] = (guint8)(value >> (8 * (7 - i)));
      n = 9;
    }
  g_byte_array_append (w->buf, head, (guint)n);
}

static void
put_string (Writer *w, guint8 major, const void *data, gsize len)
{
  put_head (w, major, len);
  if (len > 0)
    g_byte_array_append (w->buf, data, (guint)len);
  if (w->buf->len > 48 * 1024)
    writer_flush (w);
}

enum
{
  SECTION_ELECTION,
  SECTION_LISTS,
  SECTION_CANDIDATES,
  SECTION_VALGFORBUND,
  SECTION_AREAS,
  SECTION_VOTERS,
  N_SECTIONS
};

static const char *const section_names[N_SECTIONS] = {
  "election", "lists", "candidates", "valgforbund", "areas", "voters",
};

/* Each section: a count query, then the rows in canonical order, and the
 * CBOR type of each column ('t' text, 'u' unsigned integer). */
static const struct
{
  const char *count_sql;
  const char *rows_sql;
  const char *columns;
} sections[N_SECTIONS] = {
  { "SELECT count(*) FROM election",
    "SELECT type, date, municipality, municipality_code, municipality_dagi_id, seats FROM election", "tttttu" },
  { "SELECT count(*) FROM list", "SELECT id, position, letter, name, form FROM list ORDER BY id", "tuttt" },
  { "SELECT count(*) FROM candidate",
    "SELECT id, list_id, position, name, ballot_name, occupation, residence FROM candidate ORDER BY id", "ttutttt" },
  { "SELECT count(*) FROM valgforbund", "SELECT id, name FROM valgforbund ORDER BY id", "tt" },
  { "SELECT count(*) FROM area", "SELECT number, name, dagi_id, eligible FROM area ORDER BY number", "uttu" },
  { "SELECT count(*) FROM voter",
    "SELECT area, loebenummer, name, address, birth_date FROM voter ORDER BY area, loebenummer", "uuttt" },
};

static gboolean
digest_fail (VkDb *db, GError **error, const char *section, const char *what)
{
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s: %s", vk_db_get_path (db), section, what);
  return FALSE;
}

static gboolean
put_column (Writer *w, VkDb *db, sqlite3_stmt *stmt, int col, char kind, const char *section, GError **error)
{
  if (kind == 'u')
    {
      if (sqlite3_column_type (stmt, col) != SQLITE_INTEGER || sqlite3_column_int64 (stmt, col) < 0)
        return digest_fail (db, error, section, "expected an unsigned integer");
      put_head (w, 0, (guint64)sqlite3_column_int64 (stmt, col));
    }
  else
    {
      const char *text;
      int len;

      if (sqlite3_column_type (stmt, col) != SQLITE_TEXT)
        return digest_fail (db, error, section, "expected text");
      text = (const char *)sqlite3_column_text (stmt, col);
      len = sqlite3_column_bytes (stmt, col);
      /* CBOR text strings are UTF-8 by definition. */
      if (!g_utf8_validate_len (text, (gsize)len, NULL))
        return digest_fail (db, error, section, "text is not valid UTF-8");
      put_string (w, 3, text, (gsize)len);
    }
  return TRUE;
}

static gboolean
count_rows (VkDb *db, const char *sql, guint64 *ret_count, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return vk_db_set_error (db, error, "cannot count rows");
  *ret_count = (guint64)sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
hash_section (VkDb *db, guint section, guint8 ret_digest[32], GError **error)
{
  const char *name = section_names[section];
  const char *columns = sections[section].columns;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) members = NULL;
  guint64 count = 0, rows = 0;
  Writer w;
  int rc;

  if (!count_rows (db, sections[section].count_sql, &count, error))
    return FALSE;
  if (section == SECTION_ELECTION && count != 1)
    return digest_fail (db, error, name, "expected exactly one row");
  stmt = vk_db_prepare (db, sections[section].rows_sql, error);
  if (stmt == NULL)
    return FALSE;
  if (section == SECTION_VALGFORBUND)
    {
      members = vk_db_prepare (db, "SELECT list_id FROM valgforbund_member WHERE valgforbund_id = ? ORDER BY position",
                               error);
      if (members == NULL)
        return FALSE;
    }

  writer_init (&w);
  /* The election section is its one row; the others are arrays of rows. */
  if (section != SECTION_ELECTION)
    put_head (&w, 4, count);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gsize n_columns = strlen (columns);

      if (++rows > count)
        break;
      put_head (&w, 4, n_columns + (members != NULL ? 1 : 0));
      for (gsize c = 0; c < n_columns; c++)
        if (!put_column (&w, db, stmt, (int)c, columns[c], name, error))
          goto fail;
      if (members != NULL)
        {
          guint64 n_members = 0;
          const char *id = (const char *)sqlite3_column_text (stmt, 0);

          /* The member array's length comes first, so count, then list. */
          sqlite3_reset (members);
          sqlite3_bind_text (members, 1, id, -1, SQLITE_TRANSIENT);
          while (sqlite3_step (members) == SQLITE_ROW)
            n_members++;
          sqlite3_reset (members);
          put_head (&w, 4, n_members);
          while ((rc = sqlite3_step (members)) == SQLITE_ROW)
            if (!put_column (&w, db, members, 0, 't', name, error))
              goto fail;
          if (rc != SQLITE_DONE)
            {
              vk_db_set_error (db, error, name);
              goto fail;
            }
        }
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      vk_db_set_error (db, error, name);
      goto fail;
    }
  if (rows != count)
    {
      digest_fail (db, error, name, "the row count changed while reading");
      goto fail;
    }
  writer_finish (&w, ret_digest);
  return TRUE;

fail:
  writer_finish (&w, ret_digest);
  return FALSE;
}

/* election_id = SHA-256 (CBOR [format, election key, the six section digests]). */
static void
combine_sections (const guint8 election_key[VK_PUBLIC_KEY_BYTES], guint8 digests[N_SECTIONS][32],
                  guint8 ret_election_id[VK_ELECTION_ID_BYTES])
{
  Writer w;

  writer_init (&w);
  put_head (&w, 4, 2 + N_SECTIONS);
  put_string (&w, 3, PACKAGE_FORMAT, strlen (PACKAGE_FORMAT));
  put_string (&w, 2, election_key, VK_PUBLIC_KEY_BYTES);
  for (guint s = 0; s < N_SECTIONS; s++)
    put_string (&w, 2, digests[s], 32);
  writer_finish (&w, ret_election_id);
}

static gboolean
hash_all_sections (VkDb *db, guint8 ret_digests[N_SECTIONS][32], GError **error)
{
  for (guint s = 0; s < N_SECTIONS; s++)
    if (!hash_section (db, s, ret_digests[s], error))
      return FALSE;
  return TRUE;
}

/* ---- Signed statements ------------------------------------------------- */

static GBytes *
package_payload (const guint8 election_id[VK_ELECTION_ID_BYTES])
{
  g_autoptr (VkCbor) payload = vk_cbor_new_array ();

  vk_cbor_array_append (payload, vk_cbor_new_text (SIGNATURE_CONTEXT, -1));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (election_id, VK_ELECTION_ID_BYTES));
  return vk_cbor_encode (payload);
}

static GBytes *
enrolment_payload (const guint8 election_id[VK_ELECTION_ID_BYTES], const VkDevice *d)
{
  g_autoptr (VkCbor) map = vk_cbor_new_map ();

  vk_cbor_map_set_bytes (map, "election", election_id, VK_ELECTION_ID_BYTES);
  vk_cbor_map_set_text (map, "device", d->device_id);
  vk_cbor_map_set_text (map, "role", d->role);
  if (d->area == VK_PACKAGE_NO_AREA)
    vk_cbor_map_insert_text (map, "area", vk_cbor_new_null ());
  else
    vk_cbor_map_set_uint (map, "area", d->area);
  vk_cbor_map_set_bytes (map, "key", d->public_key, VK_PUBLIC_KEY_BYTES);
  vk_cbor_map_set_uint (map, "valid_from", d->valid_from);
  vk_cbor_map_set_uint (map, "valid_to", d->valid_to);
  return vk_cbor_encode (map);
}

/* Verifies one stored enrolment: the COSE_Sign1 verifies under the
 * election key and its payload is exactly the statement the columns
 * describe (the payload is re-encoded from the columns and compared
 * byte for byte, which checks every field at once). */
static gboolean
verify_enrolment (VkPackage *self, const VkDevice *d, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (VkCoseSign1) cose = NULL;
  g_autoptr (GBytes) expected = NULL;
  g_autoptr (VkCbor) got = NULL;
  const guint8 *data;
  gsize len;

  data = g_bytes_get_data (d->enrolment, &len);
  cose = vk_cose_sign1_decode (data, len, &local_error);
  if (cose == NULL || !vk_cose_sign1_verify (cose, self->election_key, &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "%s: device %s: enrolment does not verify: %s", self->path,
                   d->device_id, local_error->message);
      return FALSE;
    }
  expected = enrolment_payload (self->election_id, d);
  if (!g_bytes_equal (expected, cose->payload))
    {
      g_autofree char *field = g_strdup ("election");

      /* Name the first field that differs, for the operator. */
      data = g_bytes_get_data (cose->payload, &len);
      got = vk_cbor_decode (data, len, NULL);
      if (got != NULL && vk_cbor_get_type (got) == VK_CBOR_MAP)
        {
          g_autoptr (VkCbor) want = NULL;
          data = g_bytes_get_data (expected, &len);
          want = vk_cbor_decode (data, len, NULL);
          for (gsize i = 0; want != NULL && i < vk_cbor_map_get_length (want); i++)
            {
              const char *key = vk_cbor_get_text (vk_cbor_map_get_key (want, i), NULL);
              VkCbor *value = vk_cbor_map_lookup_text (got, key);
              if (value == NULL || !vk_cbor_equal (value, vk_cbor_map_get_value (want, i)))
                {
                  g_free (field);
                  field = g_strdup (key);
                  break;
                }
            }
        }
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE,
                   "%s: device %s: the stored %s differs from the signed enrolment", self->path, d->device_id, field);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_devices (VkPackage *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (
      self->db, "SELECT device_id, role, area, public_key, valid_from, valid_to, enrolment FROM device", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (VkDevice) d = g_new0 (VkDevice, 1);

      if (sqlite3_column_type (stmt, 0) != SQLITE_TEXT || sqlite3_column_type (stmt, 1) != SQLITE_TEXT
          || sqlite3_column_bytes (stmt, 3) != VK_PUBLIC_KEY_BYTES || sqlite3_column_type (stmt, 6) != SQLITE_BLOB)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: malformed device row", self->path);
          return FALSE;
        }
      d->device_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      d->role = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      d->role_id = vk_device_role_from_string (d->role);
      d->area
          = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? VK_PACKAGE_NO_AREA : (guint)sqlite3_column_int64 (stmt, 2);
      memcpy (d->public_key, sqlite3_column_blob (stmt, 3), VK_PUBLIC_KEY_BYTES);
      vk_key_id_from_public_key (d->public_key, d->key_id);
      d->valid_from = (guint64)sqlite3_column_int64 (stmt, 4);
      d->valid_to = (guint64)sqlite3_column_int64 (stmt, 5);
      d->enrolment = g_bytes_new (sqlite3_column_blob (stmt, 6), (gsize)sqlite3_column_bytes (stmt, 6));
      if (sqlite3_column_type (stmt, 2) == SQLITE_INTEGER && sqlite3_column_int64 (stmt, 2) < 1)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "%s: device %s: bad area", self->path, d->device_id);
          return FALSE;
        }
      if (!verify_enrolment (self, d, error))
        return FALSE;
      g_hash_table_replace (self->devices, d->device_id, d);
      d = NULL;
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "cannot read devices");
  return TRUE;
}

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
  guint8 digests[N_SECTIONS][32];
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
  if (format == NULL || strcmp (format, PACKAGE_FORMAT) != 0)
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
  expected_payload = package_payload (self->election_id);
  if (!g_bytes_equal (expected_payload, cose->payload))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "%s: package signature is over another election id",
                   self->path);
      return FALSE;
    }

  if (!hash_all_sections (self->db, digests, error))
    return FALSE;
  combine_sections (self->election_key, digests, computed);
  if (memcmp (computed, self->election_id, VK_ELECTION_ID_BYTES) != 0)
    {
      guint8 stored[N_SECTIONS][32];
      guint8 stored_id[VK_ELECTION_ID_BYTES];
      g_autoptr (GString) changed = g_string_new (NULL);
      gboolean have_stored = TRUE;

      /* The stored section digests are not trusted by themselves, but if
       * they combine to the signed election id they are the signed ones,
       * and comparing them with the recomputed ones names what changed. */
      for (guint s = 0; s < N_SECTIONS && have_stored; s++)
        {
          g_autoptr (sqlite3_stmt) q
              = vk_db_prepare (self->db, "SELECT sha256 FROM section_digest WHERE section = ?", NULL);
          have_stored = q != NULL;
          if (have_stored)
            {
              sqlite3_bind_text (q, 1, section_names[s], -1, SQLITE_STATIC);
              have_stored = sqlite3_step (q) == SQLITE_ROW && sqlite3_column_bytes (q, 0) == 32;
              if (have_stored)
                memcpy (stored[s], sqlite3_column_blob (q, 0), 32);
            }
        }
      if (have_stored)
        {
          combine_sections (self->election_key, stored, stored_id);
          have_stored = memcmp (stored_id, self->election_id, VK_ELECTION_ID_BYTES) == 0;
        }
      for (guint s = 0; s < N_SECTIONS && have_stored; s++)
        if (memcmp (stored[s], digests[s], 32) != 0)
          g_string_append_printf (changed, "%s%s", changed->len > 0 ? ", " : "", section_names[s]);
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
  db = vk_db_open (path, VK_PACKAGE_APPLICATION_ID, VK_DB_FLAGS_NONE, error);
  if (db == NULL)
    return NULL;
  self = package_new (db, path);
  if (!check_schema_version (db, error) || !quick_check (db, error) || !verify_package (self, error)
      || !load_devices (self, error))
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
  guint8 digests[N_SECTIONS][32];

  g_return_val_if_fail (self != NULL, FALSE);
  if (!hash_all_sections (self->db, digests, error))
    return FALSE;
  combine_sections (self->election_key, digests, ret_election_id);
  return TRUE;
}

/* ---- Creating ---------------------------------------------------------- */

static gboolean
bind_step (VkDb *db, sqlite3_stmt *stmt, GError **error)
{
  gboolean ok = vk_db_step_done (db, stmt, error);

  sqlite3_clear_bindings (stmt);
  return ok;
}

static gboolean
insert_content (VkDb *db, const VkElection *e, const VkVoterList *voters, GError **error)
{
  g_autoptr (sqlite3_stmt) st = NULL;

  st = vk_db_prepare (db,
                      "INSERT INTO election (id, type, date, municipality, municipality_code, municipality_dagi_id, "
                      "seats) VALUES (1, ?, ?, ?, ?, ?, ?)",
                      error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, vk_election_type_to_string (e->type), -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, e->date, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, e->municipality, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, e->municipality_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, e->municipality_dagi_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 6, e->seats);
  if (!bind_step (db, st, error))
    return FALSE;
  g_clear_pointer (&st, sqlite3_finalize);

  {
    g_autoptr (sqlite3_stmt) li
        = vk_db_prepare (db, "INSERT INTO list (id, position, letter, name, form) VALUES (?, ?, ?, ?, ?)", error);
    g_autoptr (sqlite3_stmt) ci = NULL;

    if (li == NULL)
      return FALSE;
    ci = vk_db_prepare (db,
                        "INSERT INTO candidate (id, list_id, position, name, ballot_name, occupation, residence) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        error);
    if (ci == NULL)
      return FALSE;
    for (guint i = 0; i < e->lists->len; i++)
      {
        const VkList *l = g_ptr_array_index (e->lists, i);

        sqlite3_bind_text (li, 1, l->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (li, 2, l->position);
        sqlite3_bind_text (li, 3, l->letter, -1, SQLITE_STATIC);
        sqlite3_bind_text (li, 4, l->name, -1, SQLITE_STATIC);
        sqlite3_bind_text (li, 5, l->form == VK_LIST_PARTILISTE ? "partiliste" : "sideordnet", -1, SQLITE_STATIC);
        if (!bind_step (db, li, error))
          return FALSE;
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
              return FALSE;
          }
      }
  }

  {
    g_autoptr (sqlite3_stmt) vi = vk_db_prepare (db, "INSERT INTO valgforbund (id, name) VALUES (?, ?)", error);
    g_autoptr (sqlite3_stmt) mi = NULL;

    if (vi == NULL)
      return FALSE;
    mi = vk_db_prepare (db, "INSERT INTO valgforbund_member (valgforbund_id, position, list_id) VALUES (?, ?, ?)",
                        error);
    if (mi == NULL)
      return FALSE;
    for (guint i = 0; i < e->valgforbund->len; i++)
      {
        const VkValgforbund *vf = g_ptr_array_index (e->valgforbund, i);

        sqlite3_bind_text (vi, 1, vf->id, -1, SQLITE_STATIC);
        sqlite3_bind_text (vi, 2, vf->name, -1, SQLITE_STATIC);
        if (!bind_step (db, vi, error))
          return FALSE;
        for (guint j = 0; j < vf->list_ids->len; j++)
          {
            sqlite3_bind_text (mi, 1, vf->id, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (mi, 2, j);
            sqlite3_bind_text (mi, 3, g_ptr_array_index (vf->list_ids, j), -1, SQLITE_STATIC);
            if (!bind_step (db, mi, error))
              return FALSE;
          }
      }
  }

  {
    g_autoptr (sqlite3_stmt) ai
        = vk_db_prepare (db, "INSERT INTO area (number, name, dagi_id, eligible) VALUES (?, ?, ?, ?)", error);

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
        if (!bind_step (db, ai, error))
          return FALSE;
      }
  }

  if (voters != NULL)
    {
      g_autoptr (sqlite3_stmt) vo = vk_db_prepare (
          db, "INSERT INTO voter (area, loebenummer, name, address, birth_date) VALUES (?, ?, ?, ?, ?)", error);

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
          if (!bind_step (db, vo, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
sign_content (VkDb *db, const VkKeypair *key, GError **error)
{
  guint8 digests[N_SECTIONS][32];
  guint8 election_id[VK_ELECTION_ID_BYTES];
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autoptr (sqlite3_stmt) st = NULL;
  const guint8 *public_key = vk_keypair_get_public_key (key);

  if (!hash_all_sections (db, digests, error))
    return FALSE;
  combine_sections (public_key, digests, election_id);
  payload = package_payload (election_id);
  signature = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), key, error);
  if (signature == NULL)
    return FALSE;

  st = vk_db_prepare (db, "INSERT INTO section_digest (section, sha256) VALUES (?, ?)", error);
  if (st == NULL)
    return FALSE;
  for (guint s = 0; s < N_SECTIONS; s++)
    {
      sqlite3_bind_text (st, 1, section_names[s], -1, SQLITE_STATIC);
      sqlite3_bind_blob (st, 2, digests[s], 32, SQLITE_STATIC);
      if (!bind_step (db, st, error))
        return FALSE;
    }
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (
      db, "INSERT INTO package (id, format, election_id, election_key, signature) VALUES (1, ?, ?, ?, ?)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, PACKAGE_FORMAT, -1, SQLITE_STATIC);
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
  ok = vk_db_migrate (db, migrations, G_N_ELEMENTS (migrations), error) && vk_db_begin_immediate (db, error);
  if (ok)
    {
      ok = insert_content (db, election, voters, error) && sign_content (db, election_key, error)
           && vk_db_commit (db, error);
      if (!ok)
        vk_db_rollback (db);
    }
  g_clear_pointer (&db, vk_db_close);
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

/* ---- Reading the content ----------------------------------------------- */

static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  const char *s = (const char *)sqlite3_column_text (stmt, col);
  return g_strdup (s != NULL ? s : "");
}

VkElection *
vk_package_dup_election (VkPackage *self, GError **error)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (sqlite3_stmt) st = NULL;
  g_autoptr (sqlite3_stmt) cs = NULL;
  g_autoptr (sqlite3_stmt) ms = NULL;
  VkDb *db;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  db = self->db;

  st = vk_db_prepare (
      db, "SELECT type, date, municipality, municipality_code, municipality_dagi_id, seats FROM election", error);
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
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (db, "SELECT id, letter, name, position, form FROM list ORDER BY position, id", error);
  cs = vk_db_prepare (db,
                      "SELECT id, name, ballot_name, position, occupation, residence FROM candidate "
                      "WHERE list_id = ? ORDER BY position, id",
                      error);
  if (st == NULL || cs == NULL)
    return NULL;
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
        }
      sqlite3_reset (cs);
      if (rc != SQLITE_DONE)
        break;
    }
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (db, error, "cannot read the lists");
      return NULL;
    }
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (db, "SELECT id, name FROM valgforbund ORDER BY id", error);
  ms = vk_db_prepare (db, "SELECT list_id FROM valgforbund_member WHERE valgforbund_id = ? ORDER BY position", error);
  if (st == NULL || ms == NULL)
    return NULL;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      VkValgforbund *vf = vk_election_add_valgforbund (e, (const char *)sqlite3_column_text (st, 0),
                                                       (const char *)sqlite3_column_text (st, 1));

      sqlite3_bind_text (ms, 1, vf->id, -1, SQLITE_STATIC);
      while (sqlite3_step (ms) == SQLITE_ROW)
        if (!vk_election_valgforbund_add_list (e, vf, (const char *)sqlite3_column_text (ms, 0), error))
          return NULL;
      sqlite3_reset (ms);
    }
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (db, "SELECT number, name, dagi_id, eligible FROM area ORDER BY number", error);
  if (st == NULL)
    return NULL;
  while (sqlite3_step (st) == SQLITE_ROW)
    vk_election_add_area (e, (guint)sqlite3_column_int64 (st, 0), (const char *)sqlite3_column_text (st, 1),
                          (const char *)sqlite3_column_text (st, 2), (guint)sqlite3_column_int64 (st, 3));

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
        self->db, "SELECT area, loebenummer, name, address, birth_date FROM voter ORDER BY area, loebenummer", error);
  else
    st = vk_db_prepare (self->db,
                        "SELECT area, loebenummer, name, address, birth_date FROM voter WHERE area = ?1 "
                        "ORDER BY area, loebenummer",
                        error);
  if (st == NULL)
    return NULL;
  if (area != 0)
    sqlite3_bind_int64 (st, 1, area);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    if (!vk_voter_list_add (list, (guint)sqlite3_column_int64 (st, 0), (guint)sqlite3_column_int64 (st, 1),
                            (const char *)sqlite3_column_text (st, 2), (const char *)sqlite3_column_text (st, 3),
                            (const char *)sqlite3_column_text (st, 4), error))
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

  st = vk_db_prepare (self->db, "SELECT name, address, birth_date FROM voter WHERE area = ? AND loebenummer = ?",
                      error);
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

/* ---- Devices ----------------------------------------------------------- */

gboolean
vk_package_enroll (VkPackage *self, const VkKeypair *election_key, const char *device_id, const char *role, guint area,
                   const guint8 public_key[VK_PUBLIC_KEY_BYTES], guint64 valid_from, guint64 valid_to, GError **error)
{
  g_autoptr (VkDevice) d = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (sqlite3_stmt) st = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (election_key != NULL, FALSE);
  g_return_val_if_fail (device_id != NULL && role != NULL && public_key != NULL, FALSE);

  if (memcmp (vk_keypair_get_public_key (election_key), self->election_key, VK_PUBLIC_KEY_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s: this is not the package's election key", self->path);
      return FALSE;
    }
  if (*device_id == '\0' || !g_utf8_validate (device_id, -1, NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: a device id must be non-empty UTF-8", self->path);
      return FALSE;
    }
  if (!vk_device_role_is_valid (role))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: device %s: unknown role \"%s\" (valgbord, brevstemmested, hjemmebesoeg, fintaelling, "
                   "optaelling, server)",
                   self->path, device_id, role);
      return FALSE;
    }
  if (area == VK_PACKAGE_NO_AREA && vk_device_role_from_string (role) == VK_ROLE_VALGBORD)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: device %s: a valgbord needs an afstemningsområde",
                   self->path, device_id);
      return FALSE;
    }
  if (valid_from > valid_to || valid_to > G_MAXINT64)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: device %s: the validity window is empty", self->path,
                   device_id);
      return FALSE;
    }
  if (g_hash_table_contains (self->devices, device_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: device %s is already enrolled", self->path, device_id);
      return FALSE;
    }
  if (area != VK_PACKAGE_NO_AREA)
    {
      g_autoptr (sqlite3_stmt) q = vk_db_prepare (self->db, "SELECT 1 FROM area WHERE number = ?", error);
      if (q == NULL)
        return FALSE;
      sqlite3_bind_int64 (q, 1, area);
      if (sqlite3_step (q) != SQLITE_ROW)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: device %s: the election has no afstemningsområde %u",
                       self->path, device_id, area);
          return FALSE;
        }
    }

  d = g_new0 (VkDevice, 1);
  d->device_id = g_strdup (device_id);
  d->role = g_strdup (role);
  d->role_id = vk_device_role_from_string (role);
  d->area = area;
  memcpy (d->public_key, public_key, VK_PUBLIC_KEY_BYTES);
  vk_key_id_from_public_key (d->public_key, d->key_id);
  d->valid_from = valid_from;
  d->valid_to = valid_to;
  payload = enrolment_payload (self->election_id, d);
  d->enrolment
      = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), election_key, error);
  if (d->enrolment == NULL)
    return FALSE;

  if (!vk_db_begin_immediate (self->db, error))
    return FALSE;
  st = vk_db_prepare (self->db,
                      "INSERT INTO device (device_id, role, area, public_key, valid_from, valid_to, enrolment) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      error);
  if (st == NULL)
    {
      vk_db_rollback (self->db);
      return FALSE;
    }
  sqlite3_bind_text (st, 1, d->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, d->role, -1, SQLITE_STATIC);
  if (area == VK_PACKAGE_NO_AREA)
    sqlite3_bind_null (st, 3);
  else
    sqlite3_bind_int64 (st, 3, area);
  sqlite3_bind_blob (st, 4, d->public_key, VK_PUBLIC_KEY_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 5, (gint64)valid_from);
  sqlite3_bind_int64 (st, 6, (gint64)valid_to);
  sqlite3_bind_blob (st, 7, g_bytes_get_data (d->enrolment, NULL), (int)g_bytes_get_size (d->enrolment), SQLITE_STATIC);
  if (!vk_db_step_done (self->db, st, error) || !vk_db_commit (self->db, error))
    {
      vk_db_rollback (self->db);
      return FALSE;
    }
  g_hash_table_replace (self->devices, d->device_id, d);
  d = NULL;
  return TRUE;
}

static int
device_cmp (gconstpointer a, gconstpointer b)
{
  const VkDevice *da = *(VkDevice *const *)a, *db = *(VkDevice *const *)b;
  return strcmp (da->device_id, db->device_id);
}

GPtrArray *
vk_package_list_devices (VkPackage *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_device_free);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, out);

  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, device_copy (value));
  g_ptr_array_sort (out, device_cmp);
  return out;
}

const VkDevice *
vk_package_lookup_device (VkPackage *self, const char *device_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (device_id != NULL, NULL);
  return g_hash_table_lookup (self->devices, device_id);
}

gboolean
vk_package_device_lookup (const char *device_id, VkDeviceInfo *ret_info, gpointer package)
{
  const VkDevice *device = vk_package_lookup_device (package, device_id);

  if (device == NULL)
    return FALSE;
  memcpy (ret_info->public_key, device->public_key, VK_PUBLIC_KEY_BYTES);
  ret_info->role = g_strdup (device->role);
  ret_info->area = device->area == VK_PACKAGE_NO_AREA ? -1 : (gint64)device->area;
  ret_info->valid_from = device->valid_from;
  ret_info->valid_to = device->valid_to;
  return TRUE;
}

const VkDevice *
vk_package_lookup_device_by_key_id (VkPackage *self, const guint8 key_id[VK_KEY_ID_BYTES])
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, NULL);

  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (memcmp (((VkDevice *)value)->key_id, key_id, VK_KEY_ID_BYTES) == 0)
      return value;
  return NULL;
}
