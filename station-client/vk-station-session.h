/* vk-station-session.h: an open station with its sync.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkStationSession is what a device is while it is open: the station
 * engine (VkStation) on its package and key, the background sync runner
 * that exchanges journals with the other tables and pushes to the count
 * server (VkSyncRunner), and the peer listener the other tables push to
 * (VkSyncServer).  After every sync round and every push it receives it
 * folds what arrived into the station (vk_station_refresh()) and tells
 * whoever shows the station by signals:
 *
 *   "changed" (guint added)   new entries were folded in;
 *   "sync-done" (gboolean online)
 *                             a round finished; online is TRUE when every
 *                             target answered.
 *
 * No GTK: the app connects to the signals, the tests drive it without a
 * display (test/test-station-session.c).
 */
#pragma once

#include <glib-object.h>

#include "vk-station.h"
#include "vk-sync.h"

G_BEGIN_DECLS

#define VK_TYPE_STATION_SESSION (vk_station_session_get_type ())
G_DECLARE_FINAL_TYPE (VkStationSession, vk_station_session, VK, STATION_SESSION, GObject)

/* Takes ownership of the package, the device key and the station opened
 * on them (vk_station_open()) from the database at db_path. */
VkStationSession *vk_station_session_new (VkPackage *package, VkKeypair *key, VkStation *station,
                                          const char *db_path) G_GNUC_WARN_UNUSED_RESULT;

/* Borrowed; valid while the session lives. */
VkStation *vk_station_session_get_station (VkStationSession *self);
VkPackage *vk_station_session_get_package (VkStationSession *self);
const char *vk_station_session_get_db_path (VkStationSession *self);

/* Starts a background round every interval_ms (0: 2 s) with each of
 * peers (the other tables' URLs, may be NULL) and then the count server
 * (server, may be NULL) on the thread-default main context.  Nothing
 * starts when there is no target.  Not while sync runs: stop it first. */
void vk_station_session_start_sync (VkStationSession *self, const char *const *peers, const char *server,
                                    guint interval_ms);
/* Stops the runner, waiting for a round in flight (a partition, or new
 * targets); start_sync() may start it again.  Nothing when it is off. */
void vk_station_session_stop_sync (VkStationSession *self);
/* The runner (borrowed), or NULL when sync is off. */
VkSyncRunner *vk_station_session_get_runner (VkStationSession *self);
/* The count server's URL given to start_sync, or NULL. */
const char *vk_station_session_get_server (VkStationSession *self);
/* Asks for a round now (after a check-in); nothing when sync is off. */
void vk_station_session_kick (VkStationSession *self);
/* TRUE when the last round reached every target; FALSE before the first. */
gboolean vk_station_session_get_online (VkStationSession *self);

/* The other tables' URLs given to start_sync (borrowed), or NULL. */
const char *const *vk_station_session_get_peers (VkStationSession *self);

typedef enum
{
  VK_SESSION_TARGET_WAITING, /* no round has tried it yet */
  VK_SESSION_TARGET_OK,      /* its last attempt worked */
  VK_SESSION_TARGET_FAILING, /* its last attempt failed (retried with backoff) */
} VkSessionTargetState;

/* How a sync target (a peer's or the server's URL) fares: its state, the
 * real time (µs) of its last good round or 0 (ret_last_ok_us), and its
 * last error (ret_error, owned by the runner until the next round, NULL
 * when it worked); each may be NULL. */
VkSessionTargetState vk_station_session_get_target_state (VkStationSession *self, const char *url,
                                                          gint64 *ret_last_ok_us, const char **ret_error);

/* Serves the device's database to the other tables on host_port
 * (vk_sync_server_listen(): plain HTTP on loopback only, TLS elsewhere).
 * Entries they push are folded in at once ("changed"). */
gboolean vk_station_session_listen (VkStationSession *self, const char *host_port, const char *tls_cert,
                                    const char *tls_key, GError **error);
/* The URL listened on ("http://127.0.0.1:41234"), or NULL. */
const char *vk_station_session_get_listen_url (VkStationSession *self);

G_END_DECLS
