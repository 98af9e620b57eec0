/* station-window-private.h: what the window's feature slices share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "brevstemme-page.h"
#include "checkin-page.h"
#include "count-page.h"
#include "receive-page.h"
#include "setup-page.h"
#include "visits-page.h"
#include "station-window.h"

G_BEGIN_DECLS

struct _VkStationWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets. */
  AdwWindowTitle *window_title;
  GtkStackSwitcher *work_switcher;
  GtkMenuButton *menu_button;
  GtkToggleButton *valgstyrer_button;
  GtkBox *status_bar;
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkStack *work_stack;
  GtkStackPage *checkin_page;
  GtkStackPage *decide_page;
  GtkStackPage *receive_page;
  VkSetupPage *setup_view;
  VkCheckinPage *checkin_view;
  VkBrevstemmePage *brevstemme_view;
  VkReceivePage *receive_view;
  /* counting (built in code: it exists for valgbord and fintælling only) */
  VkCountPage *count_page;
  VkVisitsPage *visits_page; /* hjemmebesøg only */

  /* State. */
  VkStationSession *session; /* once the setup page opened the device */
  char *connection_state;
  GStrv peers;
  char *server;
  char *listen;   /* HOST:PORT for other tables, or NULL */
  char *tls_cert; /* PEM files for a listen address off loopback */
  char *tls_key;

  /* The status bar's items by name ("test", "election", "server",
   * "peer0"…, "listen", "alone"): GtkLabel*, borrowed. */
  GHashTable *status_items;

  /* Valgstyrer mode (station-window-valgstyrer.c). */
  char *valgstyrer_name;      /* who is in charge, or NULL */
  char *valgstyrer_device;    /* the id of the key they unlocked */
  guint valgstyrer_timeout_s; /* inactivity that ends the mode */
  gint64 last_activity_us;    /* monotonic */
  guint valgstyrer_timer;
  GtkWindow *valgstyrer_dialog; /* while open */
};

/* The open device's station, or NULL. */
VkStation *vk_station_window_get_open_station (VkStationWindow *self);
/* Journals arrived (sync, USB): every page shows what changed. */
void vk_station_window_refresh_all (VkStationWindow *self);
/* station-window-journals.c: win.import-journals, win.export-usb,
 * win.choose-import, win.choose-export. */
void vk_station_window_class_add_journal_actions (GtkWidgetClass *widget_class);

/* station-window-valgstyrer.c: the valgstyrer button, its prompt and
 * the inactivity timeout. */
void vk_station_window_init_valgstyrer (VkStationWindow *self);
void vk_station_window_dispose_valgstyrer (VkStationWindow *self);
void vk_station_window_leave_valgstyrer (VkStationWindow *self, const char *toast);
/* A short notice over the page, that moves nothing. */
void vk_station_window_toast (VkStationWindow *self, const char *text);

G_END_DECLS
