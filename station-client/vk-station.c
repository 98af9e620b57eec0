/* vk-station.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-station.h"

struct _VkStation
{
  VkPackage *package;     /* borrowed */
  const VkDevice *device; /* owned by the package */
  const VkKeypair *key;   /* borrowed */
  VkJournal *journal;
  /* løbenummer → seq of its check-in entry, for voters checked in now */
  GHashTable *checked_in;
  gboolean poll_closed;
};

/* Replays the journal into the station's state. */
static gboolean
station_fold (VkStation *self, GError **error)
{
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (self->journal, 0, error);

  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      guint64 lnr = 0;

      if (strcmp (e->type, "checkin") == 0 && vk_cbor_map_get_uint_field (e->body, "loebenummer", &lnr, NULL))
        g_hash_table_insert (self->checked_in, GUINT_TO_POINTER ((guint)lnr), GSIZE_TO_POINTER (e->seq));
      else if (strcmp (e->type, "poll.close") == 0)
        self->poll_closed = TRUE;
      else if (strcmp (e->type, "checkin.undo") == 0 && vk_cbor_map_get_uint_field (e->body, "loebenummer", &lnr, NULL))
        g_hash_table_remove (self->checked_in, GUINT_TO_POINTER ((guint)lnr));
    }
  return TRUE;
}

VkStation *
vk_station_open (VkPackage *package, const char *db_path, const char *device_id, const VkKeypair *key, GError **error)
{
  g_autoptr (VkStation) self = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;

  g_return_val_if_fail (package != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (device_id != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  self = g_new0 (VkStation, 1);
  self->package = package;
  self->key = key;
  self->checked_in = g_hash_table_new (NULL, NULL);
  self->device = vk_package_lookup_device (package, device_id);
  if (self->device == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s is not enrolled in %s", device_id,
                   vk_package_get_path (package));
      return NULL;
    }
  if (memcmp (self->device->public_key, vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "this key is not the one enrolled for device %s", device_id);
      return NULL;
    }
  self->journal = vk_journal_open (db_path, vk_package_get_election_id (package), device_id, error);
  if (self->journal == NULL || !station_fold (self, error))
    return NULL;

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "role", self->device->role);
  if (self->device->area == VK_PACKAGE_NO_AREA)
    vk_cbor_map_insert_text (body, "area", vk_cbor_new_null ());
  else
    vk_cbor_map_set_uint (body, "area", self->device->area);
  vk_cbor_map_set_text (body, "software", "valgkit " PACKAGE_VERSION);
  entry = vk_journal_append (self->journal, key, "device.open", body, error);
  if (entry == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
vk_station_close (VkStation *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->journal, vk_journal_close);
  g_clear_pointer (&self->checked_in, g_hash_table_unref);
  g_free (self);
}

VkJournal *
vk_station_get_journal (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->journal;
}

const VkDevice *
vk_station_get_device (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->device;
}

guint64
vk_station_check_in (VkStation *self, guint loebenummer, VkCheckinMethod method, gboolean assisted, GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  VkVoter *voter;
  guint64 seq;

  g_return_val_if_fail (self != NULL, 0);

  if (strcmp (self->device->role, "valgbord") != 0 || self->device->area == VK_PACKAGE_NO_AREA)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s (%s) does not check voters in", self->device->device_id,
                   self->device->role);
      return 0;
    }
  if (self->poll_closed)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "afstemningen er lukket: der kan ikke afkrydses flere vælgere");
      return 0;
    }
  voter = vk_package_lookup_voter (self->package, self->device->area, loebenummer, error);
  if (voter == NULL)
    return 0;
  vk_voter_free (voter);
  if (g_hash_table_contains (self->checked_in, GUINT_TO_POINTER (loebenummer)))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "voter %u in area %u is already checked in (entry %" G_GSIZE_FORMAT ")", loebenummer,
                   self->device->area,
                   GPOINTER_TO_SIZE (g_hash_table_lookup (self->checked_in, GUINT_TO_POINTER (loebenummer))));
      return 0;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_uint (body, "area", self->device->area);
  vk_cbor_map_set_uint (body, "loebenummer", loebenummer);
  vk_cbor_map_set_text (body, "method", method == VK_CHECKIN_SCAN ? "scan" : "search");
  if (assisted)
    vk_cbor_map_set_bool (body, "assisted", TRUE);
  entry = vk_journal_append (self->journal, self->key, "checkin", body, error);
  if (entry == NULL)
    return 0;
  seq = entry->seq;
  g_hash_table_insert (self->checked_in, GUINT_TO_POINTER (loebenummer), GSIZE_TO_POINTER (seq));
  return seq;
}

guint64
vk_station_undo_check_in (VkStation *self, guint64 checkin_seq, const char *reason, GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint loebenummer = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (self != NULL, 0);

  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "an undo needs a reason");
      return 0;
    }
  g_hash_table_iter_init (&iter, self->checked_in);
  while (!found && g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_SIZE (value) == checkin_seq)
      {
        loebenummer = GPOINTER_TO_UINT (key);
        found = TRUE;
      }
  if (!found)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "entry %" G_GUINT64_FORMAT " is not a standing check-in",
                   checkin_seq);
      return 0;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "device", self->device->device_id);
  vk_cbor_map_set_uint (body, "seq", checkin_seq);
  vk_cbor_map_set_uint (body, "area", self->device->area);
  vk_cbor_map_set_uint (body, "loebenummer", loebenummer);
  vk_cbor_map_set_text (body, "reason", reason);
  entry = vk_journal_append (self->journal, self->key, "checkin.undo", body, error);
  if (entry == NULL)
    return 0;
  g_hash_table_remove (self->checked_in, GUINT_TO_POINTER (loebenummer));
  return entry->seq;
}

guint
vk_station_get_checked_in_count (VkStation *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->checked_in);
}

gboolean
vk_station_is_checked_in (VkStation *self, guint loebenummer)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_hash_table_contains (self->checked_in, GUINT_TO_POINTER (loebenummer));
}

const VkKeypair *
vk_station_get_key (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->key;
}

VkPackage *
vk_station_get_package (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->package;
}

VkEntry *
vk_station_append (VkStation *self, const char *type, VkCbor *body, GError **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  return vk_journal_append (self->journal, self->key, type, body, error);
}

guint64
vk_station_close_poll (VkStation *self, GError **error)
{
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autoptr (VkEntry) entry = NULL;

  g_return_val_if_fail (self != NULL, 0);

  if (strcmp (self->device->role, "valgbord") != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "only a valgbord closes the poll");
      return 0;
    }
  if (self->poll_closed)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the poll is already closed");
      return 0;
    }
  vk_cbor_map_set_uint (body, "area", self->device->area);
  entry = vk_journal_append (self->journal, self->key, "poll.close", body, error);
  if (entry == NULL)
    return 0;
  self->poll_closed = TRUE;
  return entry->seq;
}

gboolean
vk_station_is_poll_closed (VkStation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->poll_closed;
}
