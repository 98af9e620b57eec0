/* vk-station-session.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-station-session.h"

struct _VkStationSession
{
  GObject parent_instance;

  VkPackage *package;
  VkKeypair *key;
  VkStation *station;
  char *db_path;
  char **peers;
  char *server;
  VkSyncRunner *runner;
  VkSyncServer *listener;
  gboolean online;
  GHashTable *last_ok;   /* url → gint64* (real time, µs) of its last good round */
  GHashTable *attempted; /* url → itself: a round tried it */
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_SYNC_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VkStationSession, vk_station_session, G_TYPE_OBJECT)

/* Folds in what the runner or the listener stored on their own
 * connections, and says so when anything was new. */
static void
refresh (VkStationSession *self, const char *why)
{
  g_autoptr (GError) error = NULL;
  guint added = 0;

  if (!vk_station_refresh (self->station, &added, &error))
    g_debug ("refresh after %s: %s", why, error->message);
  if (added > 0)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, added);
}

/* Which targets answered this round, and when. */
static void
record_targets (VkStationSession *self, VkSyncRunner *runner)
{
  gint64 now = g_get_real_time ();
  g_autoptr (GPtrArray) urls = g_ptr_array_new ();

  for (guint i = 0; self->peers != NULL && self->peers[i] != NULL; i++)
    g_ptr_array_add (urls, self->peers[i]);
  if (self->server != NULL)
    g_ptr_array_add (urls, self->server);
  for (guint i = 0; i < urls->len; i++)
    {
      const char *url = g_ptr_array_index (urls, i);

      g_hash_table_add (self->attempted, g_strdup (url));
      if (vk_sync_runner_get_last_error (runner, url) == NULL)
        g_hash_table_insert (self->last_ok, g_strdup (url), g_memdup2 (&now, sizeof now));
    }
}

static void
sync_round_cb (VkSyncRunner *runner, const VkSyncStats *stats, gpointer user_data)
{
  VkStationSession *self = user_data;
  gboolean online = TRUE;

  refresh (self, "a sync round");
  record_targets (self, runner);
  for (guint i = 0; self->peers != NULL && self->peers[i] != NULL && online; i++)
    online = vk_sync_runner_get_last_error (runner, self->peers[i]) == NULL;
  if (online && self->server != NULL)
    online = vk_sync_runner_get_last_error (runner, self->server) == NULL;
  self->online = online;
  g_signal_emit (self, signals[SIGNAL_SYNC_DONE], 0, online);
}

/* A table pushed entries to our listener: fold them in at once, so that
 * a voter checked in there is blocked here before the next round. */
static void
listener_stored_cb (const char *device_id, guint added, gpointer user_data)
{
  refresh (user_data, "a push");
}

static void
vk_station_session_dispose (GObject *object)
{
  VkStationSession *self = VK_STATION_SESSION (object);

  /* Both call back into the session: stop them first. */
  g_clear_pointer (&self->runner, vk_sync_runner_free);
  g_clear_pointer (&self->listener, vk_sync_server_free);
  G_OBJECT_CLASS (vk_station_session_parent_class)->dispose (object);
}

static void
vk_station_session_finalize (GObject *object)
{
  VkStationSession *self = VK_STATION_SESSION (object);

  /* The station borrows the package and the key. */
  g_clear_pointer (&self->station, vk_station_close);
  g_clear_pointer (&self->key, vk_keypair_free);
  g_clear_pointer (&self->package, vk_package_free);
  g_free (self->db_path);
  g_strfreev (self->peers);
  g_free (self->server);
  g_hash_table_unref (self->last_ok);
  g_hash_table_unref (self->attempted);
  G_OBJECT_CLASS (vk_station_session_parent_class)->finalize (object);
}

static void
vk_station_session_class_init (VkStationSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vk_station_session_dispose;
  object_class->finalize = vk_station_session_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_SYNC_DONE] = g_signal_new ("sync-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                            NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
vk_station_session_init (VkStationSession *self)
{
  self->last_ok = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->attempted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

VkStationSession *
vk_station_session_new (VkPackage *package, VkKeypair *key, VkStation *station, const char *db_path)
{
  VkStationSession *self;

  g_return_val_if_fail (package != NULL && key != NULL && station != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (VK_TYPE_STATION_SESSION, NULL);
  self->package = package;
  self->key = key;
  self->station = station;
  self->db_path = g_strdup (db_path);
  return self;
}

VkStation *
vk_station_session_get_station (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), NULL);
  return self->station;
}

VkPackage *
vk_station_session_get_package (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), NULL);
  return self->package;
}

const char *
vk_station_session_get_db_path (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), NULL);
  return self->db_path;
}

void
vk_station_session_start_sync (VkStationSession *self, const char *const *peers, const char *server, guint interval_ms)
{
  g_return_if_fail (VK_IS_STATION_SESSION (self));
  g_return_if_fail (self->runner == NULL);

  g_clear_pointer (&self->peers, g_strfreev);
  g_clear_pointer (&self->server, g_free);
  if ((peers == NULL || peers[0] == NULL) && server == NULL)
    return;
  self->peers = g_strdupv ((char **)peers);
  self->server = g_strdup (server);
  self->runner = vk_sync_runner_new (self->package, self->db_path, vk_station_get_device (self->station)->device_id,
                                     interval_ms > 0 ? interval_ms : 2000);
  vk_sync_runner_set_key (self->runner, self->key);
  for (guint i = 0; self->peers != NULL && self->peers[i] != NULL; i++)
    vk_sync_runner_add_peer (self->runner, self->peers[i]);
  if (self->server != NULL)
    vk_sync_runner_set_server (self->runner, self->server);
  vk_sync_runner_set_round_func (self->runner, sync_round_cb, self);
  vk_sync_runner_start (self->runner);
}

void
vk_station_session_stop_sync (VkStationSession *self)
{
  g_return_if_fail (VK_IS_STATION_SESSION (self));
  g_clear_pointer (&self->runner, vk_sync_runner_free);
}

VkSyncRunner *
vk_station_session_get_runner (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), NULL);
  return self->runner;
}

const char *
vk_station_session_get_server (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), NULL);
  return self->server;
}

void
vk_station_session_kick (VkStationSession *self)
{
  g_return_if_fail (VK_IS_STATION_SESSION (self));
  if (self->runner != NULL)
    vk_sync_runner_kick (self->runner);
}

gboolean
vk_station_session_get_online (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), FALSE);
  return self->online;
}

gboolean
vk_station_session_listen (VkStationSession *self, const char *host_port, const char *tls_cert, const char *tls_key,
                           GError **error)
{
  g_autoptr (VkSyncServer) server = NULL;

  g_return_val_if_fail (VK_IS_STATION_SESSION (self), FALSE);
  g_return_val_if_fail (host_port != NULL, FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);

  server = vk_sync_server_new (self->package, self->db_path, vk_station_get_device (self->station)->device_id, error);
  if (server == NULL || !vk_sync_server_listen (server, host_port, tls_cert, tls_key, error))
    return FALSE;
  vk_sync_server_set_stored_func (server, listener_stored_cb, self);
  self->listener = g_steal_pointer (&server);
  return TRUE;
}

const char *
vk_station_session_get_listen_url (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), NULL);
  return self->listener != NULL ? vk_sync_server_get_url (self->listener) : NULL;
}

const char *const *
vk_station_session_get_peers (VkStationSession *self)
{
  g_return_val_if_fail (VK_IS_STATION_SESSION (self), NULL);
  return (const char *const *)self->peers;
}

VkSessionTargetState
vk_station_session_get_target_state (VkStationSession *self, const char *url, gint64 *ret_last_ok_us,
                                     const char **ret_error)
{
  const gint64 *last_ok;
  const char *error;

  g_return_val_if_fail (VK_IS_STATION_SESSION (self), VK_SESSION_TARGET_WAITING);
  g_return_val_if_fail (url != NULL, VK_SESSION_TARGET_WAITING);

  last_ok = g_hash_table_lookup (self->last_ok, url);
  error = self->runner != NULL ? vk_sync_runner_get_last_error (self->runner, url) : NULL;
  if (ret_last_ok_us != NULL)
    *ret_last_ok_us = last_ok != NULL ? *last_ok : 0;
  if (ret_error != NULL)
    *ret_error = error;
  if (!g_hash_table_contains (self->attempted, url))
    return VK_SESSION_TARGET_WAITING;
  return error == NULL ? VK_SESSION_TARGET_OK : VK_SESSION_TARGET_FAILING;
}
