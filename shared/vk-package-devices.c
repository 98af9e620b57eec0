/* vk-package-devices.c: the devices enrolled in an election package.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Enrolment is the one write a package takes after it is signed; each
 * enrolment is a statement signed by the election key
 * (docs/package-format.md §5).
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-error.h"
#include "vk-package-private.h"
#include "vk-text.h"

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
  expected = vk_package_enrolment_payload (self->election_id, d);
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
          /* A field the statement has and the columns do not ("tls"). */
          for (gsize i = 0; want != NULL && strcmp (field, "election") == 0 && i < vk_cbor_map_get_length (got); i++)
            {
              const char *key = vk_cbor_get_text (vk_cbor_map_get_key (got, i), NULL);
              if (key != NULL && vk_cbor_map_lookup_text (want, key) == NULL)
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

gboolean
vk_package_load_devices (VkPackage *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (
      self->db, "SELECT device_id, role, area, public_key, valid_from, valid_to, enrolment, tls_sha256 FROM device",
      error);
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
      /* The certificate pin: NULL, or 32 bytes of a server's row. */
      if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
        {
          if (sqlite3_column_type (stmt, 7) != SQLITE_BLOB || sqlite3_column_bytes (stmt, 7) != VK_TLS_PIN_BYTES)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "%s: device %s: tls_sha256 is not 32 bytes", self->path,
                           d->device_id);
              return FALSE;
            }
          d->has_tls = TRUE;
          memcpy (d->tls_sha256, sqlite3_column_blob (stmt, 7), VK_TLS_PIN_BYTES);
        }
      if (!verify_enrolment (self, d, error))
        return FALSE;
      /* Even when the election key signed it: only the count server
       * serves TLS to the stations. */
      if (d->has_tls && d->role_id != VK_ROLE_SERVER)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE,
                       "%s: device %s: a %s has a TLS certificate pin (only a server may)", self->path, d->device_id,
                       d->role);
          return FALSE;
        }
      g_hash_table_replace (self->devices, d->device_id, d);
      d = NULL;
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "cannot read devices");
  return TRUE;
}

/* ---- Enrolment and lookup -------------------------------------------- */

gboolean
vk_package_enroll (VkPackage *self, const VkKeypair *election_key, const char *device_id, const char *role, guint area,
                   const guint8 public_key[VK_PUBLIC_KEY_BYTES], guint64 valid_from, guint64 valid_to, GError **error)
{
  return vk_package_enroll_with_tls (self, election_key, device_id, role, area, public_key, NULL, valid_from, valid_to,
                                     error);
}

gboolean
vk_package_enroll_with_tls (VkPackage *self, const VkKeypair *election_key, const char *device_id, const char *role,
                            guint area, const guint8 public_key[VK_PUBLIC_KEY_BYTES], const guint8 *tls_sha256,
                            guint64 valid_from, guint64 valid_to, GError **error)
{
  g_autoptr (VkDevice) d = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (VkDb) wdb = NULL;
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
  if (area == VK_PACKAGE_NO_AREA && vk_device_role_needs_area (vk_device_role_from_string (role)))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: device %s: a valgbord needs an afstemningsområde",
                   self->path, device_id);
      return FALSE;
    }
  if (tls_sha256 != NULL && vk_device_role_from_string (role) != VK_ROLE_SERVER)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: device %s: only a server may pin a TLS certificate (the role is %s)", self->path, device_id,
                   role);
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
  if (tls_sha256 != NULL)
    {
      d->has_tls = TRUE;
      memcpy (d->tls_sha256, tls_sha256, VK_TLS_PIN_BYTES);
    }
  payload = vk_package_enrolment_payload (self->election_id, d);
  d->enrolment
      = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), election_key, error);
  if (d->enrolment == NULL)
    return FALSE;

  /* The package's own connection is read-only; the one write a package
   * takes after signing goes through a read-write connection of its
   * own, in one BEGIN IMMEDIATE transaction (rollback journal, so other
   * processes reading the package wait on SQLite's locks, never see half
   * of it, and find no -wal or -shm file to share). */
  wdb = vk_db_open (self->path, VK_PACKAGE_APPLICATION_ID, VK_DB_FLAGS_NONE, error);
  if (wdb == NULL)
    return FALSE;
  sqlite3_busy_timeout (vk_db_get_handle (wdb), VK_PACKAGE_BUSY_TIMEOUT_MS);
  if (!vk_db_begin_immediate (wdb, error))
    return FALSE;
  st = vk_db_prepare (wdb,
                      "INSERT INTO device (device_id, role, area, public_key, valid_from, valid_to, enrolment, "
                      "tls_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      error);
  if (st == NULL)
    {
      vk_db_rollback (wdb);
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
  if (d->has_tls)
    sqlite3_bind_blob (st, 8, d->tls_sha256, VK_TLS_PIN_BYTES, SQLITE_STATIC);
  else
    sqlite3_bind_null (st, 8);
  if (!vk_db_step_done (wdb, st, error) || !vk_db_commit (wdb, error))
    {
      g_clear_pointer (&st, sqlite3_finalize);
      vk_db_rollback (wdb);
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

/* ---- The count server's certificate pin ------------------------------- */

static gboolean
pin_is_hex (const char *pin)
{
  if (strlen (pin) != 2 * VK_TLS_PIN_BYTES)
    return FALSE;
  for (const char *p = pin; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
vk_package_resolve_server_pin (VkPackage *self, const char *given, guint64 now_ms, char **ret_pin, GError **error)
{
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (GPtrArray) pins = g_ptr_array_new_with_free_func (g_free);      /* distinct, hex */
  g_autoptr (GPtrArray) pinned_by = g_ptr_array_new_with_free_func (g_free); /* device ids, per pin */
  g_autofree char *wanted = NULL;
  gboolean any_valid = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (ret_pin != NULL, FALSE);

  *ret_pin = NULL;
  if (given != NULL)
    {
      if (!pin_is_hex (given))
        {
          g_autofree char *shown = vk_text_escape_controls (given);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "the pin \"%s\" is not a SHA-256 fingerprint (64 hex digits, as `valgkit serve` prints it)",
                       shown);
          return FALSE;
        }
      wanted = g_ascii_strdown (given, -1);
    }

  /* The server devices valid now; all of them when none is. */
  devices = vk_package_list_devices (self);
  for (guint i = 0; i < devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (devices, i);
      any_valid |= d->role_id == VK_ROLE_SERVER && vk_device_is_valid_at (d, now_ms);
    }
  for (guint i = 0; i < devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *hex = NULL;
      guint j;

      if (d->role_id != VK_ROLE_SERVER || !d->has_tls || (any_valid && !vk_device_is_valid_at (d, now_ms)))
        continue;
      hex = vk_hex_encode (d->tls_sha256, VK_TLS_PIN_BYTES);
      for (j = 0; j < pins->len && strcmp (g_ptr_array_index (pins, j), hex) != 0; j++)
        ;
      if (j == pins->len)
        {
          g_ptr_array_add (pins, g_steal_pointer (&hex));
          g_ptr_array_add (pinned_by, g_strdup (d->device_id));
        }
    }

  if (pins->len == 0)
    {
      *ret_pin = g_steal_pointer (&wanted);
      return TRUE;
    }
  for (guint j = 0; j < pins->len; j++)
    if (wanted == NULL ? pins->len == 1 : strcmp (wanted, g_ptr_array_index (pins, j)) == 0)
      {
        *ret_pin = g_strdup (g_ptr_array_index (pins, j));
        return TRUE;
      }
  if (wanted != NULL && pins->len == 1)
    {
      g_autofree char *shown = vk_text_escape_controls (g_ptr_array_index (pinned_by, 0));
      g_set_error (error, VK_ERROR, VK_ERROR_KEY,
                   "%s: the pin given (%s) is not the certificate the package pins for the count server (device %s: "
                   "%s)",
                   self->path, wanted, shown, (const char *)g_ptr_array_index (pins, 0));
      return FALSE;
    }
  {
    g_autoptr (GString) list = g_string_new (NULL);

    for (guint j = 0; j < pins->len; j++)
      {
        g_autofree char *shown = vk_text_escape_controls (g_ptr_array_index (pinned_by, j));
        g_string_append_printf (list, "%s%s %s", j > 0 ? ", " : "", shown, (const char *)g_ptr_array_index (pins, j));
      }
    g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s: the package pins %u certificates for the count server (%s); %s",
                 self->path, pins->len, list->str,
                 wanted != NULL ? "the pin given is none of them" : "give the one to require (--pin)");
  }
  return FALSE;
}
