/* vk-package-digest.c: the election package's canonical digest and signed statements.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/package-format.md §3 (the digest), §4 (the package signature's
 * payload) and §5 (enrolment statements); keep the two in step.
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-error.h"
#include "vk-package-private.h"

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
  vk_cbor_write_head (w->buf, major, value);
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

const char *const vk_package_section_names[VK_PACKAGE_N_SECTIONS] = {
  "election", "lists", "candidates", "valgforbund", "areas", "voters", "contests",
};

/* Each section: a count query, then the rows in canonical order, and the
 * CBOR item of each row element: 't' a text column, 'u' an unsigned
 * integer column, 'm' (no column) the row's nested array, read by
 * sub_sql bound to the row's first column, each nested item being one
 * sub_columns column or, with several, an array of them. */
static const struct
{
  const char *count_sql;
  const char *rows_sql;
  const char *columns;
  const char *sub_sql;
  const char *sub_columns;
} sections[VK_PACKAGE_N_SECTIONS] = {
  { "SELECT count(*) FROM election",
    "SELECT type, date, municipality, municipality_code, municipality_dagi_id, seats, region, region_dagi_id, test, "
    "title FROM election",
    "tttttuttut", NULL, NULL },
  { "SELECT count(*) FROM list", "SELECT id, position, letter, name, form, contest FROM list ORDER BY id", "tutttt",
    NULL, NULL },
  { "SELECT count(*) FROM candidate",
    "SELECT id, list_id, position, name, ballot_name, occupation, residence FROM candidate ORDER BY id", "ttuttttm",
    "SELECT kreds, position FROM candidate_kreds WHERE candidate_id = ? ORDER BY kreds", "tu" },
  { "SELECT count(*) FROM valgforbund", "SELECT id, name, contest FROM valgforbund ORDER BY id", "ttmt",
    "SELECT list_id FROM valgforbund_member WHERE valgforbund_id = ? ORDER BY position", "t" },
  { "SELECT count(*) FROM area",
    "SELECT number, name, dagi_id, eligible, kreds, kreds_name, valgdk_number FROM area ORDER BY number", "uttutto",
    NULL, NULL },
  { "SELECT count(*) FROM voter",
    "SELECT area, loebenummer, name, address, birth_date, contests FROM voter ORDER BY area, loebenummer", "uutttt",
    NULL, NULL },
  { "SELECT count(*) FROM contest",
    "SELECT id, position, type, region, region_dagi_id, seats, title FROM contest ORDER BY position", "tutttutm",
    "SELECT area, eligible FROM area_contest WHERE contest = ? ORDER BY area", "uu" },
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
  /* 'o': an optional last item, left out of its row when NULL (so a row
   * without it encodes as before the column existed). */
  if (kind == 'o' && sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return TRUE;
  if (kind == 'u' || kind == 'o')
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

/* The nested array of one row: its length first, so count, then write. */
static gboolean
put_sub_array (Writer *w, VkDb *db, sqlite3_stmt *sub, const char *sub_columns, const char *key, const char *section,
               GError **error)
{
  gsize n_columns = strlen (sub_columns);
  guint64 n = 0;
  int rc;

  sqlite3_reset (sub);
  sqlite3_bind_text (sub, 1, key, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (sub)) == SQLITE_ROW)
    n++;
  if (rc != SQLITE_DONE)
    return vk_db_set_error (db, error, section);
  sqlite3_reset (sub);
  put_head (w, 4, n);
  while ((rc = sqlite3_step (sub)) == SQLITE_ROW && n > 0)
    {
      n--;
      if (n_columns > 1)
        put_head (w, 4, n_columns);
      for (gsize c = 0; c < n_columns; c++)
        if (!put_column (w, db, sub, (int)c, sub_columns[c], section, error))
          return FALSE;
    }
  if (rc != SQLITE_DONE || n != 0)
    return rc != SQLITE_DONE && rc != SQLITE_ROW ? vk_db_set_error (db, error, section)
                                                 : digest_fail (db, error, section, "the rows changed while reading");
  return TRUE;
}

static gboolean
hash_section (VkDb *db, guint section, guint8 ret_digest[32], GError **error)
{
  const char *name = vk_package_section_names[section];
  const char *columns = sections[section].columns;
  gsize n_items = strlen (columns);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) sub = NULL;
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
  if (sections[section].sub_sql != NULL)
    {
      sub = vk_db_prepare (db, sections[section].sub_sql, error);
      if (sub == NULL)
        return FALSE;
    }

  writer_init (&w);
  /* The election section is its one row; the others are arrays of rows. */
  if (section != SECTION_ELECTION)
    put_head (&w, 4, count);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int col = 0;

      gsize n_row = n_items;

      if (++rows > count)
        break;
      /* An optional last item ('o', never in a section with 'm') that is
       * NULL is left out of the row. */
      if (columns[n_items - 1] == 'o' && sqlite3_column_type (stmt, (int)n_items - 1) == SQLITE_NULL)
        n_row--;
      put_head (&w, 4, n_row);
      for (gsize i = 0; i < n_items; i++)
        {
          if (columns[i] == 'm')
            {
              if (sqlite3_column_type (stmt, 0) != SQLITE_TEXT)
                {
                  digest_fail (db, error, name, "expected text");
                  goto fail;
                }
              if (!put_sub_array (&w, db, sub, sections[section].sub_columns,
                                  (const char *)sqlite3_column_text (stmt, 0), name, error))
                goto fail;
            }
          else if (!put_column (&w, db, stmt, col++, columns[i], name, error))
            goto fail;
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

/* election_id = SHA-256 (CBOR [format, election key, the seven section digests]). */
void
vk_package_combine_sections (const guint8 election_key[VK_PUBLIC_KEY_BYTES], guint8 digests[VK_PACKAGE_N_SECTIONS][32],
                             guint8 ret_election_id[VK_ELECTION_ID_BYTES])
{
  Writer w;

  writer_init (&w);
  put_head (&w, 4, 2 + VK_PACKAGE_N_SECTIONS);
  put_string (&w, 3, VK_PACKAGE_FORMAT, strlen (VK_PACKAGE_FORMAT));
  put_string (&w, 2, election_key, VK_PUBLIC_KEY_BYTES);
  for (guint s = 0; s < VK_PACKAGE_N_SECTIONS; s++)
    put_string (&w, 2, digests[s], 32);
  writer_finish (&w, ret_election_id);
}

gboolean
vk_package_hash_sections (VkDb *db, guint8 ret_digests[VK_PACKAGE_N_SECTIONS][32], GError **error)
{
  for (guint s = 0; s < VK_PACKAGE_N_SECTIONS; s++)
    if (!hash_section (db, s, ret_digests[s], error))
      return FALSE;
  return TRUE;
}

/* ---- Signed statements ------------------------------------------------- */

GBytes *
vk_package_signed_payload (const guint8 election_id[VK_ELECTION_ID_BYTES])
{
  g_autoptr (VkCbor) payload = vk_cbor_new_array ();

  vk_cbor_array_append (payload, vk_cbor_new_text (VK_PACKAGE_SIGNATURE_CONTEXT, -1));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (election_id, VK_ELECTION_ID_BYTES));
  return vk_cbor_encode (payload);
}

GBytes *
vk_package_enrolment_payload (const guint8 election_id[VK_ELECTION_ID_BYTES], const VkDevice *d)
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
  if (d->has_tls)
    vk_cbor_map_set_bytes (map, "tls", d->tls_sha256, VK_TLS_PIN_BYTES);
  vk_cbor_map_set_uint (map, "valid_from", d->valid_from);
  vk_cbor_map_set_uint (map, "valid_to", d->valid_to);
  return vk_cbor_encode (map);
}
