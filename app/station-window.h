/* station-window.h: the main window of valgkit-station.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One window per device.  It hosts the pages: the setup page (VkSetupPage:
 * open the package, choose the enrolled device, unlock its key) and then
 * the pages of the device's role: check-in (VkCheckinPage) and
 * brevstemmer (VkBrevstemmePage) and counting (VkCountPage) for a
 * valgbord, receiving brevstemmer (VkReceivePage) for brevstemmested and
 * hjemmebesøg, counting for a fintælling table.  The open device is a
 * VkStationSession (station-client/), which owns the station, its sync
 * runner and listener.  Every rule lives in the station engine; the
 * window only shows its state and passes on what the operator does.
 */
#pragma once

#include <adwaita.h>

#include "station-i18n.h"
#include "vk-station-session.h"

G_BEGIN_DECLS

#define VK_TYPE_STATION_WINDOW (vk_station_window_get_type ())
G_DECLARE_FINAL_TYPE (VkStationWindow, vk_station_window, VK, STATION_WINDOW, AdwApplicationWindow)

VkStationWindow *vk_station_window_new (GtkApplication *app) G_GNUC_WARN_UNUSED_RESULT;

/* Fills the setup page (any argument may be NULL); the operator still
 * types the passphrase. */
void vk_station_window_prefill (VkStationWindow *self, const char *package_path, const char *device_id,
                                const char *key_path, const char *db_path);
/* NULL until the setup page has opened a device.  Borrowed. */
VkStation *vk_station_window_get_station (VkStationWindow *self);
/* The open device with its sync (vk-station-session.h), or NULL.  Borrowed. */
VkStationSession *vk_station_window_get_session (VkStationWindow *self);
/* The "Create a new key…" dialog (name NULL) or one of its named
 * widgets (key_device_id, key_role, key_area, key_path, key_passphrase,
 * key_passphrase_again, key_hint (the passphrase rule), key_progress, key_result, key_create, key_close); NULL while
 * the dialog is closed.  For tests. */
GtkWidget *vk_station_window_get_key_dialog (VkStationWindow *self, const char *name);
/* The counting page (a VkCountPage, count-page.h) of a valgbord or a
 * fintælling table, or NULL.  Borrowed. */
GtkWidget *vk_station_window_get_count_page (VkStationWindow *self);
/* Ask for the birth date after a scan (default TRUE). */
void vk_station_window_set_confirm_birth_date (VkStationWindow *self, gboolean confirm);
/* A state shown in the header after the device (a listener that did
 * not start); the connections have the status bar. */
void vk_station_window_set_connection_state (VkStationWindow *self, const char *state);
/* Sync targets (vk-sync.h): the other tables' URLs and the count
 * server's; set before the device is opened.  When any is given, the
 * device's session (VkStationSession) starts a background sync runner,
 * folds in what it brings after every round and the pages follow. */
void vk_station_window_set_sync_targets (VkStationWindow *self, const char *const *peers, const char *server);
/* Listens on host_port ("127.0.0.1:8081"; port 0 picks one) for the
 * other tables once the device is opened (vk_station_session_listen(): plain
 * HTTP on loopback only, TLS with tls_cert and tls_key elsewhere).
 * Entries they push are folded in at once.  Set before the device is opened. */
void vk_station_window_set_listen (VkStationWindow *self, const char *host_port, const char *tls_cert,
                                   const char *tls_key);
/* Remembers the setup at path (a keyfile; NULL: not remembered) and,
 * when it holds one, fills the setup page from it: after a crash or a
 * restart only the passphrase is typed.  TRUE when a setup was read.
 * Call before the command line's prefill, which wins. */
gboolean vk_station_window_set_setup_file (VkStationWindow *self, const char *path);
/* $XDG_DATA_HOME/valgkit/station-setup.ini */
char *vk_station_window_default_setup_file (void) G_GNUC_WARN_UNUSED_RESULT;
/* Valgstyrer mode ends after this many seconds without a key press or a
 * click (default 300). */
void vk_station_window_set_valgstyrer_timeout (VkStationWindow *self, guint seconds);
/* The valgstyrer in charge (the name typed when their key was unlocked),
 * or NULL outside valgstyrer mode. */
const char *vk_station_window_get_valgstyrer (VkStationWindow *self);
/* An item of the status bar, or NULL: "test" (PRØVEVALG), "election",
 * "server", "peer0", "peer1"…, "listen", "alone" (no server or no
 * targets).  Its CSS class tells the state: vk-conn-ok, vk-conn-error,
 * vk-conn-waiting, vk-conn-none.  For tests. */
GtkLabel *vk_station_window_get_status_item (VkStationWindow *self, const char *name);
/* The URL the window listens on ("http://127.0.0.1:41234"), or NULL. */
const char *vk_station_window_get_listen_url (VkStationWindow *self);

G_END_DECLS
