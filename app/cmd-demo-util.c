/* cmd-demo-util.c: output folder, count server, key files and phase
 * times of `valgkit demo` (cmd-demo-util.h).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd-demo-util.h"
#include "vk-error.h"

guint
vk_demo_council_size_from (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "mandatfordeling.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *obj;

  if (!json_parser_load_from_file (parser, path, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  obj = json_node_get_object (root);
  if (!json_object_has_member (obj, "ListeMandater")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "ListeMandater")))
    return 0;
  return json_array_get_length (json_object_get_array_member (obj, "ListeMandater"));
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        (void)g_unlink (child);
    }
  (void)g_rmdir (path);
}

gboolean
vk_demo_prepare_out (const char *out, GError **error)
{
  static const char *const subdirs[] = { "keys", "devices", "journals", "pdf" };
  static const char *const files[]
      = { "election.vkp", "count.db", "count.db-wal", "count.db-shm", "mandatfordeling.json", "server.log" };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p = g_build_filename (out, files[i], NULL);
      (void)g_unlink (p);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *p = g_build_filename (out, subdirs[i], NULL);
      remove_tree (p);
      if (g_mkdir_with_parents (p, 0700) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", p, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

/* One key file to encrypt and write (a pool job). */
typedef struct
{
  const VkKeypair *key;
  const char *role;
  char *label;
  char *key_path, *pub_path;
  VkKdfStrength strength;
} KeyJob;

static void
key_job_free (KeyJob *job)
{
  g_free (job->label);
  g_free (job->key_path);
  g_free (job->pub_path);
  g_free (job);
}

static gboolean
key_job_run (KeyJob *job, const char *passphrase, GError **error)
{
  return vk_keypair_save (job->key, job->key_path, passphrase, job->strength, job->role, job->label, error)
         && vk_public_key_save (vk_keypair_get_public_key (job->key), job->pub_path, job->role, job->label, error);
}

static void
key_job (gpointer data, gpointer user_data)
{
  KeyJob *job = data;
  VkDemoKeys *keys = user_data;
  g_autoptr (GError) local = NULL;

  if (!key_job_run (job, keys->passphrase, &local))
    {
      g_mutex_lock (&keys->lock);
      if (keys->error == NULL)
        keys->error = g_steal_pointer (&local);
      g_mutex_unlock (&keys->lock);
    }
  key_job_free (job);
}

void
vk_demo_keys_init (VkDemoKeys *keys, const char *out, const char *passphrase)
{
  memset (keys, 0, sizeof *keys);
  keys->out = out;
  keys->passphrase = passphrase;
  g_mutex_init (&keys->lock);
}

gboolean
vk_demo_keys_save (VkDemoKeys *keys, const VkKeypair *key, const char *name, const char *role, const char *label,
                   VkKdfStrength strength, gboolean wait, GError **error)
{
  KeyJob *job = g_new0 (KeyJob, 1);

  job->key = key;
  job->role = role;
  job->label = g_strdup (label);
  job->key_path = g_strdup_printf ("%s/keys/%s.key", keys->out, name);
  job->pub_path = g_strdup_printf ("%s/keys/%s.pub", keys->out, name);
  job->strength = strength;
  if (wait)
    {
      gboolean ok = key_job_run (job, keys->passphrase, error);
      key_job_free (job);
      return ok;
    }
  if (keys->pool == NULL)
    keys->pool = g_thread_pool_new (key_job, keys, (gint)MAX (1u, g_get_num_processors ()), FALSE, NULL);
  g_thread_pool_push (keys->pool, job, NULL);
  return TRUE;
}

gboolean
vk_demo_keys_wait (VkDemoKeys *keys, GError **error)
{
  if (keys->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&keys->pool), FALSE, TRUE);
  if (keys->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&keys->error), "key file: ");
      return FALSE;
    }
  return TRUE;
}

void
vk_demo_keys_clear (VkDemoKeys *keys)
{
  (void)vk_demo_keys_wait (keys, NULL);
  g_mutex_clear (&keys->lock);
}

/* This process's CPU time (every thread), in microseconds. */
static gint64
cpu_us (void)
{
  struct rusage ru;

  if (getrusage (RUSAGE_SELF, &ru) != 0)
    return 0;
  return (gint64)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * G_USEC_PER_SEC + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

void
vk_demo_phase_done (VkDemoPhases *phases, const char *name)
{
  gint64 wall = g_get_monotonic_time (), cpu = cpu_us ();

  if (phases->summary == NULL)
    phases->summary = g_string_new (NULL);
  if (name != NULL && phases->wall_us != 0)
    g_string_append_printf (phases->summary, "%s%s %.1f s (CPU %.1f s)", phases->summary->len > 0 ? ", " : "", name,
                            (wall - phases->wall_us) / 1e6, (cpu - phases->cpu_us) / 1e6);
  phases->wall_us = wall;
  phases->cpu_us = cpu;
  fflush (stdout);
}

void
vk_demo_phases_clear (VkDemoPhases *phases)
{
  if (phases->summary != NULL)
    g_string_free (g_steal_pointer (&phases->summary), TRUE);
}

gboolean
vk_demo_server_start (VkDemoServer *server, const char *out, const char *passphrase, GError **error)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *pkg = g_build_filename (out, "election.vkp", NULL);
  g_autofree char *db = g_build_filename (out, "count.db", NULL);
  g_autofree char *key = g_strdup_printf ("%s/keys/taelleserver.key", out);
  const char *argv[] = { self, "serve", "--election", pkg, "--db", db, "--key", key, "--listen", "127.0.0.1:0", NULL };
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "VALGKIT_PASSPHRASE", passphrase, TRUE);
  int out_fd = -1;
  g_autoptr (GString) line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  char c;

  /* The server's stdout stays open (its reader is this process) until it stops. */
  if (!g_spawn_async_with_pipes (NULL, (char **)argv, env, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &server->pid, NULL, &out_fd, NULL, error))
    return FALSE;
  server->out = out_fd;
  /* "listening on http://127.0.0.1:PORT" */
  while (g_get_monotonic_time () < deadline)
    {
      ssize_t n = read (out_fd, &c, 1);
      if (n <= 0)
        break;
      if (c == '\n')
        {
          const char *url = strstr (line->str, "http://");
          if (url != NULL)
            {
              server->url = g_strdup (url);
              break;
            }
          g_string_truncate (line, 0);
        }
      else
        g_string_append_c (line, c);
    }
  if (server->url == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "valgkit serve did not start");
      return FALSE;
    }
  return TRUE;
}

void
vk_demo_server_stop (VkDemoServer *server)
{
  int status;

  if (server->pid <= 0)
    return;
  kill (server->pid, SIGTERM);
  waitpid (server->pid, &status, 0);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
  if (server->out >= 0)
    close (server->out);
  server->out = -1;
}

VkAreaResult *
vk_demo_foreloebig_from (const VkAreaResult *fin)
{
  VkAreaResult *r = vk_area_result_new (VK_RESULT_FORELOEBIG, fin->area_number, fin->area_name);

  g_free (r->dagi_id);
  r->dagi_id = g_strdup (fin->dagi_id);
  r->eligible = fin->eligible;
  r->cast = fin->cast;
  r->valid = fin->valid;
  r->blank_in_person = fin->blank_in_person;
  r->blank_postal = fin->blank_postal;
  vk_area_result_add_invalid (r, 0, fin->cast - fin->valid - fin->blank_in_person - fin->blank_postal);
  for (guint i = 0; i < fin->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (fin->lists, i);
      vk_area_result_add_list (r, l->list_id, l->votes, 0);
    }
  return r;
}
