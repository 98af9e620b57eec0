/* station-window.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window hosts the pages and passes them the open device: the setup
 * page opens it (a VkStationSession, which owns the station, its sync
 * runner and its listener), then the pages of the device's role show it.
 * Journals in and out (the ☰ menu) are the window's, for every page:
 * station-window-journals.c.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "station-window-private.h"
#include "brevstemme-page.h"
#include "checkin-page.h"
#include "count-page.h"
#include "receive-page.h"
#include "setup-page.h"
#include "vk-ui-util.h"

G_DEFINE_FINAL_TYPE (VkStationWindow, vk_station_window, ADW_TYPE_APPLICATION_WINDOW)

VkStation *
vk_station_window_get_open_station (VkStationWindow *self)
{
  return self->session != NULL ? vk_station_session_get_station (self->session) : NULL;
}

static void
update_header (VkStationWindow *self)
{
  VkStation *station = vk_station_window_get_open_station (self);
  const VkElection *e;
  const VkDevice *d;
  const char *url;
  g_autofree char *title = NULL;
  g_autofree char *area = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *date = NULL;

  if (station == NULL)
    return;
  e = vk_station_get_election (station);
  d = vk_station_get_device (station);
  date = vk_ui_format_birth_date (e->date);
  {
    /* "KV + RV 18-11-2025 · Læsø" in a joint event. */
    g_autofree char *contests = vk_election_dup_contests_label (e);
    title = g_strdup_printf ("%s %s · %s", contests, date, e->municipality);
  }
  if (d->area != VK_PACKAGE_NO_AREA)
    area = g_strdup_printf (_ ("Area %u %s"), d->area, vk_ui_area_name (station, d->area));
  else
    area = g_strdup (_ ("All areas"));
  /* The connection has its own place, the status bar: the header names
   * the device, and a listener that could not start. */
  subtitle = g_strdup_printf ("%s · %s · %s", area, vk_ui_role_label (d->role), d->device_id);
  if (self->connection_state != NULL)
    {
      char *with_state = g_strdup_printf ("%s · %s", subtitle, self->connection_state);
      g_free (subtitle);
      subtitle = with_state;
    }
  if ((url = vk_station_session_get_listen_url (self->session)) != NULL)
    {
      char *with_url = g_strdup_printf (_ ("%s · listening on %s"), subtitle, url);
      g_free (subtitle);
      subtitle = with_url;
    }
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* The status bar. */

static const char *const status_kinds[] = { "vk-conn-ok", "vk-conn-error", "vk-conn-waiting", "vk-conn-none" };

static GtkLabel *
status_item (VkStationWindow *self, const char *name)
{
  GtkLabel *label = g_hash_table_lookup (self->status_items, name);

  if (label == NULL)
    {
      /* Connection states wrap onto a second line when the window is
       * narrow, never cut short: only the election's label ellipsizes. */
      label = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_set_name (GTK_WIDGET (label), name);
      gtk_widget_add_css_class (GTK_WIDGET (label), "vk-status-item");
      gtk_label_set_wrap (label, TRUE);
      gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
      gtk_label_set_natural_wrap_mode (label, GTK_NATURAL_WRAP_NONE);
      gtk_label_set_xalign (label, 0);
      gtk_box_append (self->status_bar, GTK_WIDGET (label));
      g_hash_table_insert (self->status_items, g_strdup (name), label);
    }
  return label;
}

static void
set_status (VkStationWindow *self, const char *name, const char *kind, const char *text)
{
  GtkLabel *label = status_item (self, name);

  for (guint i = 0; i < G_N_ELEMENTS (status_kinds); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), status_kinds[i]);
  if (kind != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), kind);
  gtk_label_set_text (label, text);
}

/* "Count server: connected, last sync kl. 14.02" and the like. */
static void
set_target_status (VkStationWindow *self, const char *name, const char *who, const char *url)
{
  gint64 last_ok = 0;
  const char *error = NULL;
  VkSessionTargetState state = vk_station_session_get_target_state (self->session, url, &last_ok, &error);
  g_autofree char *when = last_ok > 0 ? vk_ui_format_time ((guint64)(last_ok / 1000), "%H.%M") : NULL;
  g_autofree char *text = NULL;

  switch (state)
    {
      case VK_SESSION_TARGET_OK:
        /* TRANSLATORS: "Tælleserver: forbundet, sidst synkroniseret kl. 14.02" */
        text = g_strdup_printf (_ ("%s: connected, last sync at %s"), who, when);
        set_status (self, name, "vk-conn-ok", text);
        break;
      case VK_SESSION_TARGET_FAILING:
        text = when != NULL ? g_strdup_printf (_ ("%s: not connected, last sync at %s (retrying)"), who, when)
                            : g_strdup_printf (_ ("%s: not connected (retrying)"), who);
        set_status (self, name, "vk-conn-error", text);
        gtk_widget_set_tooltip_text (GTK_WIDGET (status_item (self, name)), error);
        break;
      case VK_SESSION_TARGET_WAITING:
      default:
        text = g_strdup_printf (_ ("%s: connecting…"), who);
        set_status (self, name, "vk-conn-waiting", text);
        break;
    }
}

/* A peer's name in the status bar: its host and port. */
static char *
peer_label (const char *url)
{
  const char *start = strstr (url, "://");
  const char *end;

  start = start != NULL ? start + 3 : url;
  end = strchr (start, '/');
  return end != NULL ? g_strndup (start, (gsize)(end - start)) : g_strdup (start);
}

static void
update_status_bar (VkStationWindow *self)
{
  VkStation *station = vk_station_window_get_open_station (self);
  const char *const *peers;
  const char *server;
  const VkElection *e;
  const VkDevice *d;
  g_autofree char *date = NULL;
  g_autofree char *contests = NULL;
  g_autofree char *election = NULL;

  if (station == NULL)
    return;
  e = vk_station_get_election (station);
  d = vk_station_get_device (station);
  if (vk_ui_package_is_test (vk_station_session_get_package (self->session)))
    {
      GtkLabel *test = status_item (self, "test");
      /* TRANSLATORS: the band of a test election, as on the printouts. */
      gtk_label_set_text (test, _ ("TEST ELECTION"));
      gtk_label_set_wrap (test, FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (test), "vk-test-band");
    }
  date = vk_ui_format_birth_date (e->date);
  contests = vk_election_dup_contests_label (e);
  if (d->area != VK_PACKAGE_NO_AREA)
    election = g_strdup_printf (_ ("%s %s · %s · area %u %s"), contests, date, e->municipality, d->area,
                                vk_ui_area_name (station, d->area));
  else
    election = g_strdup_printf (_ ("%s %s · %s · all areas"), contests, date, e->municipality);
  {
    GtkLabel *label = status_item (self, "election");
    gtk_label_set_text (label, election);
    /* The only item that may be cut short: never the connection. */
    gtk_label_set_wrap (label, FALSE);
    gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
    gtk_label_set_width_chars (label, 12);
    gtk_widget_set_hexpand (GTK_WIDGET (label), TRUE);
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), election);
  }
  peers = vk_station_session_get_peers (self->session);
  server = vk_station_session_get_server (self->session);
  if (server != NULL)
    set_target_status (self, "server", _ ("Count server"), server);
  for (guint i = 0; peers != NULL && peers[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("peer%u", i);
      g_autofree char *host = peer_label (peers[i]);
      g_autofree char *who = g_strdup_printf (_ ("Table %s"), host);
      set_target_status (self, name, who, peers[i]);
    }
  if (server == NULL && (peers == NULL || peers[0] == NULL))
    set_status (self, "alone", "vk-conn-none", _ ("No count server or other tables set up: this table works alone"));
  else if (server == NULL)
    set_status (self, "alone", "vk-conn-none", _ ("No count server set up"));
  {
    const char *url = vk_station_session_get_listen_url (self->session);
    if (url != NULL)
      {
        g_autofree char *text = g_strdup_printf (_ ("Other tables reach this one at %s"), url);
        set_status (self, "listen", "vk-conn-none", text);
      }
  }
  gtk_widget_set_visible (GTK_WIDGET (self->status_bar), TRUE);
}

void
vk_station_window_refresh_all (VkStationWindow *self)
{
  if (self->count_page != NULL)
    vk_count_page_refresh (self->count_page);
  vk_brevstemme_page_refresh (self->brevstemme_view);
  vk_checkin_page_refresh (self->checkin_view);
  if (self->visits_page != NULL)
    vk_visits_page_refresh (self->visits_page);
}

static void
configure_for_role (VkStationWindow *self)
{
  VkStation *station = vk_station_window_get_open_station (self);
  const VkDevice *d = vk_station_get_device (station);
  gboolean table = d->role_id == VK_ROLE_VALGBORD;
  gboolean brev = d->role_id == VK_ROLE_BREVSTEMMESTED || d->role_id == VK_ROLE_HJEMMEBESOEG;
  gboolean fin = d->role_id == VK_ROLE_FINTAELLING;
  gboolean visits = d->role_id == VK_ROLE_HJEMMEBESOEG;

  if ((table || fin) && self->count_page == NULL)
    {
      self->count_page = vk_count_page_new ();
      gtk_stack_page_set_use_underline (
          gtk_stack_add_titled (self->work_stack, GTK_WIDGET (self->count_page), "count", _ ("C_ount")), TRUE);
      g_signal_connect_object (self->count_page, "poll-closed", G_CALLBACK (vk_checkin_page_poll_closed),
                               self->checkin_view, G_CONNECT_SWAPPED);
    }
  if (self->count_page != NULL)
    vk_count_page_set_station (self->count_page, station, vk_station_session_get_db_path (self->session));
  if (visits && self->visits_page == NULL)
    {
      self->visits_page = vk_visits_page_new ();
      gtk_stack_page_set_use_underline (
          gtk_stack_add_titled (self->work_stack, GTK_WIDGET (self->visits_page), "visits", _ ("Today's _visits")),
          TRUE);
    }
  if (self->visits_page != NULL)
    vk_visits_page_set_session (self->visits_page, self->session);
  gtk_stack_page_set_visible (self->checkin_page, !brev && !fin);
  gtk_stack_page_set_visible (self->decide_page, table);
  gtk_stack_page_set_visible (self->receive_page, brev);
  gtk_widget_set_visible (GTK_WIDGET (self->work_switcher), table || visits);
  gtk_widget_set_visible (GTK_WIDGET (self->valgstyrer_button), table);
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), TRUE);
  gtk_stack_set_visible_child_name (self->work_stack, brev ? "receive" : fin ? "count" : "checkin");
  gtk_stack_set_visible_child_name (self->stack, "work");
  vk_checkin_page_set_session (self->checkin_view, self->session);
  vk_brevstemme_page_set_session (self->brevstemme_view, self->session);
  vk_receive_page_set_session (self->receive_view, self->session);
  if (!table && !brev && !fin)
    vk_ui_show_message (vk_checkin_page_get_message_label (self->checkin_view), "vk-warning",
                        _ ("This device's role has no check-in screen."));
  update_header (self);
  if (brev)
    vk_receive_page_focus_search (self->receive_view);
  else
    vk_checkin_page_focus_search (self->checkin_view);
}

/* Signal callbacks. */

/* The session folded in entries from another table or the count server. */
static void
session_changed_cb (VkStationSession *session, guint added, VkStationWindow *self)
{
  vk_station_window_refresh_all (self);
}

static void
session_sync_done_cb (VkStationSession *session, gboolean online, VkStationWindow *self)
{
  update_status_bar (self);
  if (self->count_page != NULL)
    vk_count_page_sync_done (self->count_page);
}

static void
setup_opened_cb (VkSetupPage *page, VkStationSession *session, VkStationWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (self->session != NULL)
    return;
  self->session = g_object_ref (session);
  /* What the setup page says now: the operator may have changed it. */
  g_strfreev (self->peers);
  self->peers = vk_setup_page_dup_peers (page);
  g_free (self->server);
  self->server = vk_setup_page_dup_server (page);
  g_free (self->listen);
  self->listen = vk_setup_page_dup_listen (page);
  g_free (self->tls_cert);
  self->tls_cert = g_strdup (vk_setup_page_get_tls_cert (page));
  g_free (self->tls_key);
  self->tls_key = g_strdup (vk_setup_page_get_tls_key (page));
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, 0);
  g_signal_connect_object (session, "sync-done", G_CALLBACK (session_sync_done_cb), self, 0);
  configure_for_role (self);
  vk_station_session_start_sync (session, (const char *const *)self->peers, self->server, 2000);
  /* A listener that cannot start does not stop the check-in: the header says so. */
  if (self->listen != NULL && !vk_station_session_listen (session, self->listen, self->tls_cert, self->tls_key, &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("Not listening: %s"), error->message);
      vk_station_window_set_connection_state (self, text);
    }
  else
    update_header (self);
  update_status_bar (self);
  if (self->count_page != NULL)
    vk_count_page_set_sync (self->count_page, vk_station_session_get_runner (session), self->server);
}

static void
brevstemme_decided_cb (VkBrevstemmePage *page, VkStationWindow *self)
{
  vk_checkin_page_refresh_counts (self->checkin_view);
}

static gboolean
focus_search_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  const char *page = gtk_stack_get_visible_child_name (self->work_stack);

  if (g_strcmp0 (page, "decide") == 0)
    vk_brevstemme_page_focus_search (self->brevstemme_view);
  else if (g_strcmp0 (page, "receive") == 0)
    vk_receive_page_focus_search (self->receive_view);
  else
    vk_checkin_page_focus_search (self->checkin_view);
  return TRUE;
}

/* Alt+1, Alt+2 …: the n-th tab this role shows (the tabs' own mnemonics
 * are Alt and a letter: _Afkrydsning, _Brevstemmer …). */
static gboolean
show_tab_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  GListModel *pages;
  int n = g_variant_get_int32 (args);
  gboolean shown = FALSE;

  if (self->session == NULL || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "work") != 0)
    return FALSE;
  pages = G_LIST_MODEL (gtk_stack_get_pages (self->work_stack));
  for (guint i = 0; !shown && i < g_list_model_get_n_items (pages); i++)
    {
      GtkStackPage *page = g_list_model_get_item (pages, i);

      if (gtk_stack_page_get_visible (page) && n-- == 0)
        {
          gtk_stack_set_visible_child (self->work_stack, gtk_stack_page_get_child (page));
          shown = TRUE;
        }
      g_object_unref (page);
    }
  g_object_unref (pages);
  return shown;
}

/* GObject. */

static void
vk_station_window_dispose (GObject *object)
{
  VkStationWindow *self = VK_STATION_WINDOW (object);

  /* Stop the runner and the listener before the pages go: they call
   * back.  The station itself stays until finalize, as the pages borrow it. */
  vk_station_window_dispose_valgstyrer (self);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_object_run_dispose (G_OBJECT (self->session));
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), VK_TYPE_STATION_WINDOW);
  G_OBJECT_CLASS (vk_station_window_parent_class)->dispose (object);
}

static void
vk_station_window_finalize (GObject *object)
{
  VkStationWindow *self = VK_STATION_WINDOW (object);

  g_clear_object (&self->session);
  g_free (self->connection_state);
  g_strfreev (self->peers);
  g_free (self->server);
  g_free (self->listen);
  g_free (self->tls_cert);
  g_free (self->tls_key);
  g_hash_table_unref (self->status_items);
  g_free (self->valgstyrer_name);
  g_free (self->valgstyrer_device);
  G_OBJECT_CLASS (vk_station_window_parent_class)->finalize (object);
}

static void
vk_station_window_class_init (VkStationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_station_window_dispose;
  object_class->finalize = vk_station_window_finalize;

  g_type_ensure (VK_TYPE_SETUP_PAGE);
  g_type_ensure (VK_TYPE_CHECKIN_PAGE);
  g_type_ensure (VK_TYPE_BREVSTEMME_PAGE);
  g_type_ensure (VK_TYPE_RECEIVE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/station-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkStationWindow, name)
  BIND (window_title);
  BIND (work_switcher);
  BIND (menu_button);
  BIND (valgstyrer_button);
  BIND (status_bar);
  BIND (toast_overlay);
  BIND (stack);
  BIND (work_stack);
  BIND (checkin_page);
  BIND (decide_page);
  BIND (receive_page);
  BIND (setup_view);
  BIND (checkin_view);
  BIND (brevstemme_view);
  BIND (receive_view);
#undef BIND

  vk_station_window_class_add_journal_actions (widget_class);
  /* Ctrl+F goes back to the search field from anywhere. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, focus_search_cb, NULL);
  for (int i = 0; i < 4; i++)
    gtk_widget_class_add_binding (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, show_tab_cb, "i", i);
}

static void
vk_station_window_init (VkStationWindow *self)
{
  static gsize css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->status_items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (g_once_init_enter (&css_loaded))
    {
      GtkCssProvider *css = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (css, "/dk/valgkit/Station/station-style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (css);
      g_once_init_leave (&css_loaded, 1);
    }

  g_signal_connect (self->setup_view, "opened", G_CALLBACK (setup_opened_cb), self);
  vk_station_window_init_valgstyrer (self);
  g_signal_connect (self->brevstemme_view, "decided", G_CALLBACK (brevstemme_decided_cb), self);
  gtk_stack_set_visible_child_name (self->stack, "setup");
}

/* Public API. */

VkStationWindow *
vk_station_window_new (GtkApplication *app)
{
  return g_object_new (VK_TYPE_STATION_WINDOW, "application", app, NULL);
}

void
vk_station_window_prefill (VkStationWindow *self, const char *package_path, const char *device_id, const char *key_path,
                           const char *db_path)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  vk_setup_page_prefill (self->setup_view, package_path, device_id, key_path, db_path);
}

GtkWidget *
vk_station_window_get_key_dialog (VkStationWindow *self, const char *name)
{
  VkKeyDialog *dialog;

  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);

  dialog = vk_setup_page_get_key_dialog (self->setup_view);
  if (dialog == NULL)
    return NULL;
  return name == NULL ? GTK_WIDGET (dialog) : vk_key_dialog_get_widget (dialog, name);
}

GtkWidget *
vk_station_window_get_count_page (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return GTK_WIDGET (self->count_page);
}

VkStation *
vk_station_window_get_station (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return vk_station_window_get_open_station (self);
}

VkStationSession *
vk_station_window_get_session (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return self->session;
}

void
vk_station_window_set_confirm_birth_date (VkStationWindow *self, gboolean confirm)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  vk_checkin_page_set_confirm_birth_date (self->checkin_view, confirm);
}

void
vk_station_window_set_connection_state (VkStationWindow *self, const char *state)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  g_free (self->connection_state);
  self->connection_state = g_strdup (state);
  update_header (self);
}

void
vk_station_window_set_sync_targets (VkStationWindow *self, const char *const *peers, const char *server)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  vk_setup_page_set_sync (self->setup_view, peers, server, NULL);
}

void
vk_station_window_set_listen (VkStationWindow *self, const char *host_port, const char *tls_cert, const char *tls_key)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  vk_setup_page_set_sync (self->setup_view, NULL, NULL, host_port);
  vk_setup_page_set_tls (self->setup_view, tls_cert, tls_key);
}

const char *
vk_station_window_get_listen_url (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return self->session != NULL ? vk_station_session_get_listen_url (self->session) : NULL;
}

gboolean
vk_station_window_set_setup_file (VkStationWindow *self, const char *path)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), FALSE);
  return vk_setup_page_set_setup_file (self->setup_view, path);
}

char *
vk_station_window_default_setup_file (void)
{
  return g_build_filename (g_get_user_data_dir (), "valgkit", "station-setup.ini", NULL);
}

GtkLabel *
vk_station_window_get_status_item (VkStationWindow *self, const char *name)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->status_items, name);
}

void
vk_station_window_toast (VkStationWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
