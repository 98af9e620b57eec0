/* vk-sync-runner.c: background sync rounds (VkSyncRunner).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-sync-runner.h"

#define MAX_BACKOFF_MS 60000

typedef struct
{
  char *url;
  gboolean is_server;
  guint failures;
  gint64 next_try_us; /* monotonic */
  char *last_error;
} Target;

static void
target_free (Target *t)
{
  g_free (t->url);
  g_free (t->last_error);
  g_free (t);
}

struct _VkSyncRunner
{
  VkPackage *package;
  char *db_path;
  char *device_id;
  const VkKeypair *key; /* borrowed */
  char *pin;            /* a pin given (hex), or NULL: the package's */
  GTlsDatabase *tls_database;
  guint interval_ms;
  GPtrArray *targets; /* Target* */
  GMainContext *context;
  GSource *timer;
  GCancellable *cancellable;
  VkSync *sync; /* used by one round at a time, in its worker thread */
  gboolean in_round;
  gboolean kicked;
  guint rounds;
  VkSyncRoundFunc round_func;
  gpointer round_data;
};

/* One round's work, handed to a worker thread and back. */
typedef struct
{
  VkSyncRunner *runner;
  GPtrArray *urls;   /* char*: the targets due */
  GArray *is_server; /* gboolean per url */
  GPtrArray *errors; /* char* or NULL per url, filled by the worker */
  VkSyncStats stats;
} Round;

static void
round_free (Round *round)
{
  g_ptr_array_unref (round->urls);
  g_array_unref (round->is_server);
  g_ptr_array_unref (round->errors);
  g_free (round);
}

static void
round_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Round *round = task_data;
  VkSyncRunner *runner = round->runner;

  if (runner->sync == NULL)
    {
      g_autoptr (GError) error = NULL;
      runner->sync = vk_sync_new (runner->package, runner->db_path, runner->device_id, &error);
      if (runner->sync == NULL)
        {
          for (guint i = 0; i < round->urls->len; i++)
            g_ptr_array_add (round->errors, g_strdup (error->message));
          g_task_return_boolean (task, TRUE);
          return;
        }
      vk_sync_set_key (runner->sync, runner->key);
      if (runner->tls_database != NULL)
        vk_sync_set_tls_database (runner->sync, runner->tls_database);
    }
  for (guint i = 0; i < round->urls->len; i++)
    {
      const char *url = g_ptr_array_index (round->urls, i);
      g_autoptr (GError) error = NULL;
      VkSyncStats stats = { 0 };
      gboolean ok;

      if (g_array_index (round->is_server, gboolean, i))
        {
          /* The count server's certificate, as the package pins it (for
           * the server valid now), is required; the peers' are not the
           * count server's. */
          g_autofree char *pin = NULL;

          ok = vk_package_resolve_server_pin (runner->package, runner->pin, (guint64)(g_get_real_time () / 1000), &pin,
                                              &error);
          vk_sync_set_pinned_certificate (runner->sync, pin);
          if (ok)
            ok = vk_sync_push_to_server (runner->sync, url, cancellable, &stats, &error);
        }
      else
        {
          vk_sync_set_pinned_certificate (runner->sync, NULL);
          ok = vk_sync_with_peer (runner->sync, url, cancellable, &stats, &error);
        }
      round->stats.pulled += stats.pulled;
      round->stats.pushed += stats.pushed;
      round->stats.receipts += stats.receipts;
      round->stats.forks += stats.forks;
      g_ptr_array_add (round->errors, ok ? NULL : g_strdup (error->message));
    }
  g_task_return_boolean (task, TRUE);
}

static void runner_schedule_round (VkSyncRunner *self);

static void
round_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VkSyncRunner *self = user_data;
  Round *round = g_task_get_task_data (G_TASK (result));
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < round->urls->len; i++)
    for (guint j = 0; j < self->targets->len; j++)
      {
        Target *t = g_ptr_array_index (self->targets, j);
        const char *error = g_ptr_array_index (round->errors, i);

        if (strcmp (t->url, g_ptr_array_index (round->urls, i)) != 0)
          continue;
        g_free (t->last_error);
        t->last_error = g_strdup (error);
        if (error == NULL)
          {
            t->failures = 0;
            t->next_try_us = 0;
          }
        else
          {
            guint64 backoff = (guint64)self->interval_ms << MIN (t->failures, 10u);
            t->failures++;
            t->next_try_us = now + (gint64)MIN (backoff, (guint64)MAX_BACKOFF_MS) * 1000;
          }
      }
  self->rounds++;
  self->in_round = FALSE;
  if (self->round_func != NULL)
    self->round_func (self, &round->stats, self->round_data);
  if (self->kicked && self->timer != NULL)
    {
      self->kicked = FALSE;
      runner_schedule_round (self);
    }
}

static void
runner_schedule_round (VkSyncRunner *self)
{
  g_autoptr (GTask) task = NULL;
  Round *round;
  gint64 now = g_get_monotonic_time ();

  if (self->in_round)
    {
      self->kicked = TRUE;
      return;
    }
  round = g_new0 (Round, 1);
  round->runner = self;
  round->urls = g_ptr_array_new_with_free_func (g_free);
  round->is_server = g_array_new (FALSE, FALSE, sizeof (gboolean));
  round->errors = g_ptr_array_new_with_free_func (g_free);
  /* Peers first, so that the server gets what the peers just gave us. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->targets->len; i++)
      {
        Target *t = g_ptr_array_index (self->targets, i);
        if (t->is_server != (pass == 1) || t->next_try_us > now)
          continue;
        g_ptr_array_add (round->urls, g_strdup (t->url));
        g_array_append_val (round->is_server, t->is_server);
      }
  if (round->urls->len == 0)
    {
      round_free (round);
      return;
    }
  self->in_round = TRUE;
  task = g_task_new (NULL, self->cancellable, round_done_cb, self);
  g_task_set_task_data (task, round, (GDestroyNotify)round_free);
  g_task_run_in_thread (task, round_thread);
}

static gboolean
runner_tick_cb (gpointer user_data)
{
  runner_schedule_round (user_data);
  return G_SOURCE_CONTINUE;
}

VkSyncRunner *
vk_sync_runner_new (VkPackage *package, const char *db_path, const char *device_id, guint interval_ms)
{
  VkSyncRunner *self;

  g_return_val_if_fail (package != NULL, NULL);
  g_return_val_if_fail (db_path != NULL && device_id != NULL, NULL);

  self = g_new0 (VkSyncRunner, 1);
  self->package = package;
  self->db_path = g_strdup (db_path);
  self->device_id = g_strdup (device_id);
  self->interval_ms = interval_ms > 0 ? interval_ms : 2000;
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify)target_free);
  self->cancellable = g_cancellable_new ();
  return self;
}

void
vk_sync_runner_stop (VkSyncRunner *self)
{
  g_return_if_fail (self != NULL);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->kicked = FALSE;
}

void
vk_sync_runner_free (VkSyncRunner *self)
{
  gint64 deadline;

  if (self == NULL)
    return;
  vk_sync_runner_stop (self);
  g_cancellable_cancel (self->cancellable);
  /* The round's callback refers to the runner: let it run first.  The
   * cancellable and the session timeout bound the wait. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (self->in_round && g_get_monotonic_time () < deadline)
    g_main_context_iteration (self->context, TRUE);
  g_clear_pointer (&self->sync, vk_sync_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_ptr_array_unref (self->targets);
  g_free (self->pin);
  g_clear_object (&self->tls_database);
  g_free (self->db_path);
  g_free (self->device_id);
  g_free (self);
}

static void
runner_add_target (VkSyncRunner *self, const char *url, gboolean is_server)
{
  Target *t = g_new0 (Target, 1);

  t->url = g_strdup (url);
  t->is_server = is_server;
  g_ptr_array_add (self->targets, t);
}

void
vk_sync_runner_set_key (VkSyncRunner *self, const VkKeypair *key)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->sync == NULL);
  self->key = key;
}

void
vk_sync_runner_set_pinned_certificate (VkSyncRunner *self, const char *sha256_hex)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->timer == NULL && !self->in_round);
  g_free (self->pin);
  self->pin = g_strdup (sha256_hex);
}

void
vk_sync_runner_set_tls_database (VkSyncRunner *self, GTlsDatabase *database)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->sync == NULL);
  g_set_object (&self->tls_database, database);
}

void
vk_sync_runner_add_peer (VkSyncRunner *self, const char *peer_url)
{
  g_return_if_fail (self != NULL && peer_url != NULL);
  runner_add_target (self, peer_url, FALSE);
}

void
vk_sync_runner_set_server (VkSyncRunner *self, const char *server_url)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->targets->len; i++)
    if (((Target *)g_ptr_array_index (self->targets, i))->is_server)
      g_ptr_array_remove_index (self->targets, i--);
  if (server_url != NULL)
    runner_add_target (self, server_url, TRUE);
}

void
vk_sync_runner_set_round_func (VkSyncRunner *self, VkSyncRoundFunc func, gpointer user_data)
{
  g_return_if_fail (self != NULL);
  self->round_func = func;
  self->round_data = user_data;
}

void
vk_sync_runner_start (VkSyncRunner *self)
{
  g_return_if_fail (self != NULL);

  if (self->timer != NULL)
    return;
  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();
  self->timer = g_timeout_source_new (self->interval_ms);
  g_source_set_callback (self->timer, runner_tick_cb, self, NULL);
  g_source_set_name (self->timer, "vk-sync-runner");
  g_source_attach (self->timer, self->context);
  runner_schedule_round (self);
}

void
vk_sync_runner_kick (VkSyncRunner *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->targets->len; i++)
    ((Target *)g_ptr_array_index (self->targets, i))->next_try_us = 0;
  if (self->timer != NULL)
    runner_schedule_round (self);
}

guint
vk_sync_runner_get_rounds (VkSyncRunner *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rounds;
}

const char *
vk_sync_runner_get_last_error (VkSyncRunner *self, const char *url)
{
  g_return_val_if_fail (self != NULL && url != NULL, NULL);

  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *t = g_ptr_array_index (self->targets, i);
      if (strcmp (t->url, url) == 0)
        return t->last_error;
    }
  return NULL;
}
