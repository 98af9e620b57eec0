/* vk-file.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-text.h"

static const char *
kind_of (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

int
vk_file_open_untrusted (const char *path, gsize max_bytes, gint64 *ret_size, guint32 *ret_mode, GError **error)
{
  g_autofree char *name = NULL;
  struct stat st;
  int fd, saved;

  g_return_val_if_fail (path != NULL, -1);

  name = vk_text_escape_controls (path);
  /* O_NONBLOCK: opening a FIFO must not wait for a writer.  O_NOFOLLOW:
   * a link fails with ELOOP instead of opening what it points to. */
  fd = open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      saved = errno;
      if (saved == ELOOP)
        g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: is a symbolic link; only regular files are read", name);
      else
        g_set_error (error, VK_ERROR, saved == ENOENT ? VK_ERROR_NOT_FOUND : VK_ERROR_IO, "%s: cannot open: %s", name,
                     g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      saved = errno;
      (void)close (fd);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot stat: %s", name, g_strerror (saved));
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      (void)close (fd);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: is %s; only regular files are read", name, kind_of (st.st_mode));
      return -1;
    }
  if (st.st_size < 0 || (guint64)st.st_size > max_bytes)
    {
      (void)close (fd);
      g_set_error (error, VK_ERROR, VK_ERROR_IO,
                   "%s: is too large (%" G_GINT64_FORMAT " bytes, at most %" G_GSIZE_FORMAT " are read)", name,
                   (gint64)st.st_size, max_bytes);
      return -1;
    }
  if (ret_size != NULL)
    *ret_size = (gint64)st.st_size;
  if (ret_mode != NULL)
    *ret_mode = (guint32)st.st_mode;
  return fd;
}

gboolean
vk_file_read_untrusted_full (const char *path, gsize max_bytes, char **ret_contents, gsize *ret_len, guint32 *ret_mode,
                             GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *buf = NULL;
  gint64 size = 0;
  guint32 mode = 0;
  gsize len = 0, alloc;
  int fd, saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (ret_contents != NULL, FALSE);
  g_return_val_if_fail (ret_len != NULL, FALSE);
  g_return_val_if_fail (max_bytes < G_MAXSIZE - 1, FALSE);

  fd = vk_file_open_untrusted (path, max_bytes, &size, &mode, error);
  if (fd < 0)
    return FALSE;
  name = vk_text_escape_controls (path);

  /* The size is checked again while reading: the file may grow. */
  alloc = (gsize)size + 1;
  buf = g_malloc (alloc + 1);
  for (;;)
    {
      ssize_t n;

      if (len == alloc)
        {
          alloc = MIN (alloc * 2, max_bytes + 1);
          buf = g_realloc (buf, alloc + 1);
        }
      n = read (fd, buf + len, alloc - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          (void)close (fd);
          g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot read: %s", name, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      len += (gsize)n;
      if (len > max_bytes)
        {
          (void)close (fd);
          g_set_error (error, VK_ERROR, VK_ERROR_IO,
                       "%s: is too large (grew while read; at most %" G_GSIZE_FORMAT " bytes are read)", name,
                       max_bytes);
          return FALSE;
        }
    }
  (void)close (fd);
  buf[len] = '\0';
  *ret_contents = g_steal_pointer (&buf);
  *ret_len = len;
  if (ret_mode != NULL)
    *ret_mode = mode;
  return TRUE;
}

gboolean
vk_file_read_untrusted (const char *path, gsize max_bytes, char **ret_contents, gsize *ret_len, GError **error)
{
  return vk_file_read_untrusted_full (path, max_bytes, ret_contents, ret_len, NULL, error);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
vk_file_list_dir (const char *dir, const char *suffix, GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) d = NULL;
  const char *entry;

  g_return_val_if_fail (dir != NULL, NULL);

  d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s", local->message);
      return NULL;
    }
  while ((entry = g_dir_read_name (d)) != NULL)
    if (suffix == NULL || g_str_has_suffix (entry, suffix))
      g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}
