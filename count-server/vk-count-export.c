/* vk-count-export.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>

#include "vk-count-export.h"
#include "vk-error.h"
#include "vk-contest-result.h"
#include "vk-valgdk-export.h"

gint
vk_count_export_journals (VkCount *self, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) heads = NULL;
  gint written = 0;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (dir != NULL, -1);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
      return -1;
    }
  heads = vk_count_dup_heads (self);
  for (guint i = 0; i < heads->len; i++)
    {
      const VkCountHead *h = g_ptr_array_index (heads, i);
      g_autoptr (GBytes) bytes = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (h->seq == 0)
        continue;
      /* Device ids are enrolled names; keep file names safe anyway. */
      name = g_strconcat (h->device_id, ".vkj", NULL);
      g_strdelimit (name, "/\\", '_');
      path = g_build_filename (dir, name, NULL);
      bytes = vk_count_dup_journal_bytes (self, h->device_id, 0, error);
      if (bytes == NULL)
        return -1;
      if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize)g_bytes_get_size (bytes),
                                     G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error))
        return -1;
      written++;
    }
  return written;
}

gint
vk_count_export_valgdk (VkCount *self, const char *contest, VkResultKind kind, const char *dir, GError **error)
{
  g_autoptr (VkResults) results = NULL;
  const VkElection *c;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (dir != NULL, -1);

  c = vk_election_get_contest (vk_count_get_election (self), contest);
  if (c == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest", contest);
      return -1;
    }
  results = vk_count_results (self, contest, kind, error);
  if (results == NULL)
    return -1;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
      return -1;
    }
  for (guint i = 0; i < results->areas->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (results->areas, i);
      const VkArea *a = vk_election_lookup_area (c, r->area_number);
      guint64 approved = vk_count_get_signoff_time (self, r->area_number, contest, kind);

      if (a == NULL || !vk_valgdk_write_area_result (dir, c, a, r, approved > 0 ? (gint64)approved : -1, NULL, error))
        return -1;
    }
  return (gint)results->areas->len;
}

gboolean
vk_count_write_contest_result (VkCount *self, const char *contest, VkResultKind kind, const VkKeypair *server_key,
                               guint64 time_ms, const char *path, GError **error)
{
  g_autoptr (VkResults) results = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  const VkElection *c;
  const VkDevice *server;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (server_key != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  c = vk_election_get_contest (vk_count_get_election (self), contest);
  server = vk_package_lookup_device (vk_count_get_package (self), vk_count_get_device_id (self));
  if (c == NULL || server == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest, or the server is not enrolled",
                   contest);
      return FALSE;
    }
  results = vk_count_results (self, contest, kind, error);
  if (results == NULL)
    return FALSE;
  if (results->areas->len < c->areas->len)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%u of %u areas have a signed-off %s count (%s)",
                   results->areas->len, c->areas->len, kind == VK_RESULT_FORELOEBIG ? "foreløbig" : "fintælling",
                   vk_election_contest_id (c));
      return FALSE;
    }
  bytes = vk_contest_result_encode (c, vk_package_get_election_id (vk_count_get_package (self)), kind, results->areas,
                                    server_key, server->enrolment, time_ms, error);
  if (bytes == NULL)
    return FALSE;
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize)g_bytes_get_size (bytes),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644, error);
}
