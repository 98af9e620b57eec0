/* test-gui-setup.c: the station window's setup, status bar and valgstyrer mode.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real window under Xvfb (test/gui-run.sh): the setup page
 * lists only the devices the app can be, chooses none, shows the
 * election id, shows progress while the key is unlocked and clears the
 * old error; the setup is remembered and resumed, and opening another
 * device of the same election asks twice; the status bar says
 * PRØVEVALG, the election and each connection in words and colour (no
 * target, a count server that does not answer, one that does, a peer
 * that works while the server does not); valgstyrer mode needs the
 * valgstyrer's own key and passphrase and ends after inactivity; "Create
 * a new key" refuses a short passphrase and keeps its buttons in place.
 * Screenshots at 1366×768.
 */
#include <sqlite3.h>
#include <string.h>

#include "vk-count-http.h"
#include "vk-count.h"
#include "vk-error.h"
#include "vk-sync-server.h"
#include "vk-test-gui.h"
#include "vk-ui-util.h"

#define PASS VK_TEST_GUI_PASS
#define SEED 4242

static VkTestGuiElection fx;
static VkKeypair *server_key;

#define WAIT_FOR(cond) VK_TEST_WAIT_FOR (cond)
#define WAIT_FOR_MS(cond, ms) VK_TEST_WAIT_FOR_MS (cond, ms)
#define spin(ms) vk_test_gui_spin (ms)
#define child(win, name) vk_test_gui_child (win, name)
#define screenshot(win, name) vk_test_gui_screenshot (win, name, 200)

static void
make_fixture (void)
{
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint64 from = now - 3600000, to = now + 30 * 24 * 3600000ull;

  vk_test_gui_election_create_fake (&fx, SEED, 80);
  vk_keypair_free (vk_test_gui_enroll (&fx, "bord-1", "valgbord", fx.area, from, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "bord-2", "valgbord", fx.area, from, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "hjem-1", "hjemmebesoeg", VK_PACKAGE_NO_AREA, from, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "vs-anne", "valgstyrer", fx.area, from, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "vs-other", "valgstyrer", fx.other_area, from, to));
  server_key = vk_test_gui_enroll (&fx, "server-1", "server", VK_PACKAGE_NO_AREA, from, to);
  g_clear_pointer (&fx.package, vk_package_free);
}

static char *
key_path (const char *device)
{
  return vk_test_gui_key_path (fx.dir, device);
}

static char *
db_path (const char *name)
{
  return g_build_filename (fx.dir, name, NULL);
}

static void
type_and_enter (VkStationWindow *win, const char *entry, const char *text)
{
  GtkWidget *e = child (win, entry);
  gtk_editable_set_text (GTK_EDITABLE (e), text);
  g_signal_emit_by_name (e, "activate");
  spin (30);
}

/* The row of device_id in the setup page's dropdown, or G_MAXUINT. */
static guint
device_row (VkStationWindow *win, const char *device_id)
{
  GListModel *model = gtk_drop_down_get_model (child (win, "device_dropdown"));

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      const char *item = gtk_string_list_get_string (GTK_STRING_LIST (model), i);
      if (g_str_has_prefix (item, device_id) && item[strlen (device_id)] == ' ')
        return i;
    }
  return G_MAXUINT;
}

/* Where widget is in its window: it must not move when messages come
 * (within 2 px: centring may round differently). */
static graphene_point_t
position (gpointer widget)
{
  graphene_point_t p = GRAPHENE_POINT_INIT (0, 0);

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (widget), GTK_WIDGET (gtk_widget_get_root (widget)), &p, &p));
  return p;
}

static void
assert_same_place (graphene_point_t a, graphene_point_t b)
{
  g_assert_cmpfloat_with_epsilon (a.x, b.x, 2);
  g_assert_cmpfloat_with_epsilon (a.y, b.y, 2);
}

/* Fills the setup page for device and presses Open with passphrase. */
static void
fill_setup (VkStationWindow *win, const char *device, const char *db_name)
{
  g_autofree char *db = db_path (db_name);
  guint row;

  type_and_enter (win, "package_entry", fx.pkg_path);
  row = device_row (win, device);
  g_assert_cmpuint (row, !=, G_MAXUINT);
  gtk_drop_down_set_selected (child (win, "device_dropdown"), row);
  gtk_editable_set_text (GTK_EDITABLE (child (win, "db_entry")), db);
}

static void
press_open (VkStationWindow *win, const char *passphrase)
{
  gtk_editable_set_text (GTK_EDITABLE (child (win, "passphrase_entry")), passphrase);
  g_signal_emit_by_name (child (win, "passphrase_entry"), "activate");
}

static void
open_as (VkStationWindow *win, const char *device, const char *db_name)
{
  fill_setup (win, device, db_name);
  press_open (win, PASS);
  WAIT_FOR (vk_station_window_get_station (win) != NULL);
  g_assert_cmpstr (vk_station_get_device (vk_station_window_get_station (win))->device_id, ==, device);
}

/* The setup page: devices by role, none chosen, the election id, the
 * unlock's progress, the old error cleared, buttons that stay put. */
static void
test_setup_page (void)
{
  VkStationWindow *win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  GtkDropDown *dropdown = child (win, "device_dropdown");
  GtkLabel *error_label = child (win, "setup_error");
  GtkProgressBar *progress = child (win, "open_progress");
  GListModel *model;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) package = vk_package_open (fx.pkg_path, &error);
  g_autofree char *election_id = NULL;
  graphene_point_t open_at;

  g_assert_no_error (error);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (child (win, "open_button")), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (child (win, "package_entry")), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (child (win, "server_entry")), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (child (win, "peers_entry")), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_ROLE_COMBO_BOX);

  spin (100);
  open_at = position (child (win, "open_button"));
  type_and_enter (win, "package_entry", fx.pkg_path);
  spin (50);
  /* The election id and the PRØVEVALG band arrive without moving the button. */
  assert_same_place (open_at, position (child (win, "open_button")));
  /* Tables and the home-visit team, not the valgstyrere's keys nor the count server. */
  model = gtk_drop_down_get_model (dropdown);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpuint (device_row (win, "bord-1"), !=, G_MAXUINT);
  g_assert_cmpuint (device_row (win, "bord-2"), !=, G_MAXUINT);
  g_assert_cmpuint (device_row (win, "hjem-1"), !=, G_MAXUINT);
  g_assert_cmpuint (device_row (win, "vs-anne"), ==, G_MAXUINT);
  g_assert_cmpuint (device_row (win, "server-1"), ==, G_MAXUINT);
  /* No device is chosen for the operator. */
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "key_entry"))), ==, "");
  /* The election id, to compare with the valgsekretariat's paper. */
  election_id = vk_ui_format_election_id (vk_package_get_election_id (package));
  g_assert_cmpstr (gtk_label_get_text (child (win, "election_id_label")), ==, election_id);
  g_assert_cmpuint (strlen (election_id), ==, 64 + 7);
  /* The fake municipality is a test election: said before the device opens. */
  g_assert_true (gtk_widget_get_visible (child (win, "test_band")));
  g_assert_cmpstr (gtk_label_get_text (child (win, "test_band")), ==, "PRØVEVALG");
  screenshot (win, "station-setup-page.png");

  /* Open without a device: said so, nothing opens. */
  gtk_widget_activate_action (child (win, "setup_view"), "setup.open", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, _ ("Choose which device this is."));
  g_assert_null (vk_station_window_get_station (win));
  spin (50);
  assert_same_place (open_at, position (child (win, "open_button")));

  /* The key of bord-1 proposed once it is chosen. */
  gtk_drop_down_set_selected (dropdown, device_row (win, "bord-1"));
  {
    g_autofree char *key = key_path ("bord-1");
    g_autofree char *db = db_path ("setup-bord-1.db");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "key_entry"))), ==, key);
    gtk_editable_set_text (GTK_EDITABLE (child (win, "db_entry")), db);
  }

  /* A wrong passphrase: progress while Argon2id runs, then the error. */
  press_open (win, "forkert-forkert");
  g_assert_true (vk_ui_busy_get (progress));
  g_assert_false (gtk_widget_get_sensitive (child (win, "open_button")));
  WAIT_FOR (!vk_ui_busy_get (progress));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, _ ("Wrong passphrase for the device key."));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_null (vk_station_window_get_station (win));
  spin (50);
  assert_same_place (open_at, position (child (win, "open_button")));

  /* The right one: the old error goes at once, the spinner runs. */
  press_open (win, PASS);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_true (vk_ui_busy_get (progress));
  WAIT_FOR (vk_station_window_get_station (win) != NULL);
  g_assert_false (vk_ui_busy_get (progress));
  g_assert_cmpstr (vk_station_get_device (vk_station_window_get_station (win))->device_id, ==, "bord-1");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The setup is remembered and resumed; another device asks twice. */
static void
test_setup_remembered (void)
{
  g_autofree char *setup = vk_station_window_default_setup_file ();
  g_autofree char *key = key_path ("bord-1");
  g_autofree char *db = db_path ("remember-bord-1.db");
  VkStationWindow *win;
  VkStationSession *session;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  const char *const peers[] = { "http://127.0.0.1:9/bord-2", "http://127.0.0.1:9/bord-3", NULL };
  GtkLabel *message;

  /* The app's own file, in this test's data folder. */
  g_assert_true (g_str_has_prefix (setup, g_get_user_data_dir ()));
  g_assert_false (g_file_test (setup, G_FILE_TEST_EXISTS));

  /* First start: nothing remembered; the sync targets typed on the page. */
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  g_assert_false (vk_station_window_set_setup_file (win, setup));
  g_assert_false (gtk_widget_get_visible (child (win, "resume_label")));
  fill_setup (win, "bord-1", "remember-bord-1.db");
  gtk_editable_set_text (GTK_EDITABLE (child (win, "server_entry")), "http://127.0.0.1:9");
  /* An address without its scheme is refused on the page, naming it. */
  gtk_editable_set_text (GTK_EDITABLE (child (win, "peers_entry")), "http://127.0.0.1:9/bord-2, bord-3:8081");
  press_open (win, PASS);
  {
    g_autofree char *bad
        = g_strdup_printf (_ ("The address \"%s\" must begin with http:// or https://."), "bord-3:8081");
    g_assert_cmpstr (gtk_label_get_text (child (win, "setup_error")), ==, bad);
    g_assert_null (vk_station_window_get_station (win));
  }
  gtk_editable_set_text (GTK_EDITABLE (child (win, "peers_entry")),
                         "http://127.0.0.1:9/bord-2, http://127.0.0.1:9/bord-3");
  press_open (win, PASS);
  WAIT_FOR (vk_station_window_get_station (win) != NULL);
  session = vk_station_window_get_session (win);
  g_assert_cmpstr (vk_station_session_get_server (session), ==, "http://127.0.0.1:9");
  g_assert_true (g_strv_equal ((const char *const *)vk_station_session_get_peers (session), peers));
  gtk_window_destroy (GTK_WINDOW (win));

  g_assert_true (g_key_file_load_from_file (kf, setup, G_KEY_FILE_NONE, NULL));
  g_assert_cmpstr (g_key_file_get_string (kf, "setup", "device", NULL), ==, "bord-1");

  /* After a crash or a restart: everything filled in but the passphrase. */
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  g_assert_true (vk_station_window_set_setup_file (win, setup));
  g_assert_true (gtk_widget_get_visible (child (win, "resume_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (child (win, "resume_label")), "bord-1"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "package_entry"))), ==, fx.pkg_path);
  g_assert_cmpuint (gtk_drop_down_get_selected (child (win, "device_dropdown")), ==, device_row (win, "bord-1"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "key_entry"))), ==, key);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "db_entry"))), ==, db);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "server_entry"))), ==, "http://127.0.0.1:9");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "passphrase_entry"))), ==, "");
  g_assert_true (gtk_widget_has_focus (child (win, "passphrase_entry"))
                 || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (win)), child (win, "passphrase_entry")));
  screenshot (win, "station-setup-resumed.png");
  press_open (win, PASS);
  WAIT_FOR (vk_station_window_get_station (win) != NULL);
  g_assert_cmpstr (vk_station_get_device (vk_station_window_get_station (win))->device_id, ==, "bord-1");
  g_assert_true (
      g_strv_equal ((const char *const *)vk_station_session_get_peers (vk_station_window_get_session (win)), peers));
  gtk_window_destroy (GTK_WINDOW (win));

  /* The same computer opened as another table of the election: a warning,
   * and only a second press opens. */
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  g_assert_true (vk_station_window_set_setup_file (win, setup));
  message = child (win, "setup_error");
  gtk_drop_down_set_selected (child (win, "device_dropdown"), device_row (win, "bord-2"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-warning"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "bord-1"));
  g_assert_nonnull (strstr (gtk_button_get_label (child (win, "open_button")), "bord-2"));
  {
    g_autofree char *key2 = key_path ("bord-2");
    g_autofree char *db2 = db_path ("remember-bord-2.db");
    gtk_editable_set_text (GTK_EDITABLE (child (win, "key_entry")), key2);
    gtk_editable_set_text (GTK_EDITABLE (child (win, "db_entry")), db2);
  }
  press_open (win, PASS);
  spin (300);
  g_assert_null (vk_station_window_get_station (win));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-warning"));
  press_open (win, PASS);
  WAIT_FOR (vk_station_window_get_station (win) != NULL);
  g_assert_cmpstr (vk_station_get_device (vk_station_window_get_station (win))->device_id, ==, "bord-2");
  gtk_window_destroy (GTK_WINDOW (win));
  /* bord-2 is what this computer is now. */
  g_assert_true (g_key_file_load_from_file (kf, setup, G_KEY_FILE_NONE, NULL));
  g_assert_cmpstr (g_key_file_get_string (kf, "setup", "device", NULL), ==, "bord-2");
}

static GtkLabel *
status (VkStationWindow *win, const char *name)
{
  return vk_station_window_get_status_item (win, name);
}

static gboolean
status_is (VkStationWindow *win, const char *name, const char *css_class)
{
  GtkLabel *label = status (win, name);
  return label != NULL && gtk_widget_has_css_class (GTK_WIDGET (label), css_class);
}

/* No target at all: the table works alone, PRØVEVALG, election and area. */
static void
test_status_alone (void)
{
  VkStationWindow *win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  GtkLabel *test, *alone, *election;
  g_autofree char *area = NULL;

  open_as (win, "bord-1", "alone.db");
  g_assert_true (gtk_widget_get_visible (child (win, "status_bar")));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (child (win, "status_bar")), GTK_ACCESSIBLE_ROLE_STATUS);
  /* The fake municipality is a test election. */
  test = status (win, "test");
  g_assert_nonnull (test);
  g_assert_cmpstr (gtk_label_get_text (test), ==, _ ("TEST ELECTION"));
  g_assert_cmpstr (gtk_label_get_text (test), ==, "PRØVEVALG");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (test), "vk-test-band"));
  election = status (win, "election");
  g_assert_nonnull (strstr (gtk_label_get_text (election), "Prøvekommune"));
  area = g_strdup_printf (" %u ", fx.area);
  g_assert_nonnull (strstr (gtk_label_get_text (election), area));
  alone = status (win, "alone");
  g_assert_cmpstr (gtk_label_get_text (alone), ==,
                   _ ("No count server or other tables set up: this table works alone"));
  g_assert_null (status (win, "server"));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* A count server that does not answer, then one that does; a peer that
 * works shows as working whatever the server does. */
static void
test_status_connections (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) package = vk_package_open (fx.pkg_path, &error);
  g_autofree char *count_db = db_path ("count.db");
  g_autofree char *peer_db = db_path ("peer-bord-2.db");
  VkCount *count = NULL;
  VkCountHttp *http = NULL;
  VkSyncServer *peer = NULL;
  VkStationWindow *win;
  const char *peers[2] = { NULL, NULL };
  g_autofree char *dead = NULL;

  g_assert_no_error (error);
  /* A port nobody listens on: a server started and stopped. */
  count = vk_count_open (count_db, package, server_key, &error);
  g_assert_no_error (error);
  http = vk_count_http_new (count);
  g_assert_true (vk_count_http_listen (http, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);
  dead = g_strdup (vk_count_http_get_url (http));
  vk_count_http_free (http);

  /* bord-2 listens for the other tables. */
  {
    g_autofree char *path2 = key_path ("bord-2");
    g_autoptr (VkKeypair) key2 = vk_keypair_load (path2, PASS, &error);
    g_autoptr (VkStation) bord2 = vk_station_open (package, peer_db, "bord-2", key2, &error);
    g_assert_no_error (error);
  }
  peer = vk_sync_server_new (package, peer_db, "bord-2", &error);
  g_assert_no_error (error);
  g_assert_true (vk_sync_server_listen (peer, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);
  peers[0] = vk_sync_server_get_url (peer);

  /* The server does not answer; the peer does. */
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  vk_station_window_set_sync_targets (win, peers, dead);
  open_as (win, "bord-1", "connections.db");
  g_assert_true (status_is (win, "server", "vk-conn-waiting") || status_is (win, "server", "vk-conn-error"));
  WAIT_FOR (status_is (win, "server", "vk-conn-error") && status_is (win, "peer0", "vk-conn-ok"));
  {
    g_autofree char *not_connected = g_strdup_printf (_ ("%s: not connected (retrying)"), _ ("Count server"));
    g_assert_cmpstr (gtk_label_get_text (status (win, "server")), ==, not_connected);
  }
  /* The peer's sync works: it says so, with the time. */
  g_assert_nonnull (strstr (gtk_label_get_text (status (win, "peer0")), "127.0.0.1"));
  g_assert_nonnull (strstr (gtk_label_get_text (status (win, "peer0")), "kl."));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status (win, "test")), "vk-test-band"));
  screenshot (win, "station-status-bar.png");

  /* Narrow: the window goes down to 800 px; the connections wrap rather
   * than being cut, the election's label is the one that ellipsizes. */
  {
    int min = 0;
    gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
    g_test_message ("minimum window width %d", min);
    g_assert_cmpint (min, <=, 800);
  }
  gtk_window_set_default_size (GTK_WINDOW (win), 800, 700);
  WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (win)) <= 800);
  spin (200);
  {
    const char *names[] = { "server", "peer0" };
    for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
      {
        GtkLabel *label = status (win, names[i]);
        PangoLayout *layout = gtk_label_get_layout (label);
        int text_width = 0;

        g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label)));
        g_assert_cmpint (gtk_label_get_ellipsize (label), ==, PANGO_ELLIPSIZE_NONE);
        g_assert_false (pango_layout_is_ellipsized (layout));
        /* Every word is shown: the text fits its allocation (on more lines if need be). */
        pango_layout_get_pixel_size (layout, &text_width, NULL);
        g_assert_cmpint (text_width, <=, gtk_widget_get_width (GTK_WIDGET (label)));
      }
  }
  screenshot (win, "station-status-bar-800.png");
  gtk_window_destroy (GTK_WINDOW (win));

  /* A count server that answers. */
  http = vk_count_http_new (count);
  g_assert_true (vk_count_http_listen (http, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  vk_station_window_set_sync_targets (win, NULL, vk_count_http_get_url (http));
  open_as (win, "bord-1", "connections-2.db");
  WAIT_FOR (status_is (win, "server", "vk-conn-ok"));
  g_assert_nonnull (strstr (gtk_label_get_text (status (win, "server")), _ ("Count server")));
  g_assert_null (status (win, "alone"));
  gtk_window_destroy (GTK_WINDOW (win));
  spin (100);

  vk_count_http_free (http);
  vk_sync_server_free (peer);
  vk_count_close (count);
}

/* Valgstyrer mode: the valgstyrer's own key and passphrase, the name in
 * the header, the end after inactivity. */
static void
test_valgstyrer (void)
{
  VkStationWindow *win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  GtkToggleButton *button;
  VkStation *station;
  g_autofree char *anne = key_path ("vs-anne");
  g_autofree char *other = key_path ("vs-other");
  g_autofree char *own = key_path ("bord-1");
  g_autofree char *wrong = NULL;
  g_autofree char *label = NULL;
  GtkWindow *dialog;
  GtkLabel *message;

  vk_station_window_set_valgstyrer_timeout (win, 1);
  open_as (win, "bord-1", "valgstyrer.db");
  station = vk_station_window_get_station (win);
  button = child (win, "valgstyrer_button");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_ROLE_BUTTON);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));

  /* A click alone does nothing but ask. */
  g_assert_false (vk_test_gui_enter_valgstyrer (win, "Anne Andersen", anne, "forkert-forkert"));
  dialog = vk_test_gui_find_toplevel ("valgstyrer_dialog");
  g_assert_nonnull (dialog);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (dialog), GTK_ACCESSIBLE_ROLE_DIALOG);
  message = GTK_LABEL (vk_test_gui_find_named (GTK_WIDGET (dialog), "valgstyrer_message"));
  wrong = g_strdup_printf (_ ("Wrong passphrase for %s's key."), "Anne Andersen");
  g_assert_cmpstr (gtk_label_get_text (message), ==, wrong);
  g_assert_false (gtk_toggle_button_get_active (button));
  g_assert_false (vk_station_get_valgstyrer (station));
  gtk_test_accessible_assert_role (
      GTK_ACCESSIBLE (vk_test_gui_find_named (GTK_WIDGET (dialog), "valgstyrer_passphrase")),
      GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  screenshot (dialog, "station-valgstyrer.png");

  /* The table's own key is no valgstyrer's; another area's valgstyrer is refused. */
  g_assert_false (vk_test_gui_enter_valgstyrer (win, "Anne Andersen", own, PASS));
  g_assert_cmpstr (gtk_label_get_text (message), ==, _ ("This key is not enrolled as a valgstyrer's key."));
  g_assert_false (vk_test_gui_enter_valgstyrer (win, "Otto Olsen", other, PASS));
  {
    g_autofree char *text
        = g_strdup_printf (_ ("This valgstyrer's key is enrolled for area %u, not for this table's."), fx.other_area);
    g_assert_cmpstr (gtk_label_get_text (message), ==, text);
  }
  g_assert_false (vk_station_get_valgstyrer (station));

  /* The right passphrase: in charge, named in the header. */
  g_assert_true (vk_test_gui_enter_valgstyrer (win, "Anne Andersen", anne, PASS));
  g_assert_null (vk_test_gui_find_toplevel ("valgstyrer_dialog"));
  g_assert_true (vk_station_get_valgstyrer (station));
  g_assert_true (gtk_toggle_button_get_active (button));
  g_assert_cmpstr (vk_station_window_get_valgstyrer (win), ==, "Anne Andersen");
  label = g_strdup_printf (_ ("Valgstyrer: %s"), "Anne Andersen");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, label);
  gtk_test_accessible_assert_state (button, GTK_ACCESSIBLE_STATE_PRESSED, GTK_ACCESSIBLE_TRISTATE_TRUE);

  /* A second or so without a key or a click: the mode ends. */
  WAIT_FOR_MS (!vk_station_get_valgstyrer (station), 5000);
  g_assert_null (vk_station_window_get_valgstyrer (win));
  g_assert_false (gtk_toggle_button_get_active (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, _ ("_Valgstyrer…"));

  /* Again, and pressing the button ends it at once. */
  vk_station_window_set_valgstyrer_timeout (win, 300);
  g_assert_true (vk_test_gui_enter_valgstyrer (win, "Anne Andersen", anne, PASS));
  g_assert_true (vk_station_get_valgstyrer (station));
  gtk_toggle_button_set_active (button, FALSE);
  g_assert_false (vk_station_get_valgstyrer (station));
  g_assert_null (vk_station_window_get_valgstyrer (win));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* "Create a new key": a short passphrase refused with the rule; the
 * buttons stay where they are whatever the result says. */
static void
test_key_dialog (void)
{
  VkStationWindow *win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  g_autofree char *dir = g_build_filename (fx.dir, "keydialog", NULL);
  g_autofree char *new_key = g_build_filename (dir, "bord-7.key", NULL);
  g_autofree char *rule = NULL;
  GtkLabel *result;
  GtkWidget *create;
  graphene_point_t create_at;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  type_and_enter (win, "package_entry", fx.pkg_path);
  gtk_widget_activate_action (child (win, "setup_view"), "setup.create-key", NULL);
  WAIT_FOR (vk_station_window_get_key_dialog (win, NULL) != NULL
            && gtk_widget_get_mapped (vk_station_window_get_key_dialog (win, NULL)));
  spin (100);
  result = GTK_LABEL (vk_station_window_get_key_dialog (win, "key_result"));
  create = vk_station_window_get_key_dialog (win, "key_create");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (create), GTK_ACCESSIBLE_ROLE_BUTTON);
  /* Laid out (under load the first allocation may come late). */
  WAIT_FOR (gtk_widget_get_width (create) > 0 && position (create).x > 0);
  create_at = position (create);
  /* The rule is on the dialog before anyone types. */
  g_assert_true (gtk_widget_get_visible (vk_station_window_get_key_dialog (win, "key_hint")));

  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_device_id")), "bord-7");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (vk_station_window_get_key_dialog (win, "key_area")), 1);
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_path")), new_key);
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase")), "abc");
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase_again")), "abc");
  g_signal_emit_by_name (create, "clicked");
  rule = g_strdup_printf (_ ("The passphrase is too short: it needs at least %d characters."), 12);
  g_assert_cmpstr (gtk_label_get_text (result), ==, rule);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (result), "vk-blocked"));
  g_assert_false (g_file_test (new_key, G_FILE_TEST_EXISTS));
  spin (100);
  assert_same_place (create_at, position (create));

  /* 11 characters (ø is one): still too short. */
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase")), "prøvevalg-x");
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase_again")), "prøvevalg-x");
  g_signal_emit_by_name (create, "clicked");
  g_assert_cmpstr (gtk_label_get_text (result), ==, rule);
  g_assert_false (g_file_test (new_key, G_FILE_TEST_EXISTS));

  /* 12 characters: the key is made; its long result scrolls in its own room. */
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase")), "prøvevalg-xy");
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase_again")), "prøvevalg-xy");
  g_signal_emit_by_name (create, "clicked");
  /* Made off the main thread, with progress. */
  g_assert_true (vk_ui_busy_get (GTK_PROGRESS_BAR (vk_station_window_get_key_dialog (win, "key_progress"))));
  g_assert_false (gtk_widget_get_sensitive (create));
  WAIT_FOR (strstr (gtk_label_get_text (result), "valgkit enroll") != NULL);
  g_assert_false (vk_ui_busy_get (GTK_PROGRESS_BAR (vk_station_window_get_key_dialog (win, "key_progress"))));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (result), "vk-blocked"));
  g_assert_true (g_file_test (new_key, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (gtk_label_get_text (result), "valgkit enroll"));
  spin (150);
  assert_same_place (create_at, position (create));
  {
    GtkWidget *close = vk_station_window_get_key_dialog (win, "key_close");
    GtkWidget *dialog = vk_station_window_get_key_dialog (win, NULL);
    graphene_point_t at = position (close);
    /* On screen: inside the dialog. */
    g_assert_cmpfloat (at.y + gtk_widget_get_height (close), <=, gtk_widget_get_height (dialog));
    screenshot (dialog, "station-create-key-rule.png");
  }
  gtk_window_destroy (GTK_WINDOW (win));
}

/* A package is a test election by its signed `test` flag
 * (vk_ui_package_is_test()): the synthetic Prøvekommune is one; the same
 * election with the flag off is not (whatever lies beside the package),
 * and a package whose flag was flipped after signing does not open. */
static void
test_election_mark (void)
{
  VkTestGuiElection real = { 0 };
  VkElection *election = vk_fake_election_new (SEED);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) fake = vk_package_open (fx.pkg_path, &error);

  g_assert_no_error (error);
  g_assert_true (vk_ui_package_is_test (fake));
  election->test = FALSE;
  g_free (election->municipality);
  election->municipality = g_strdup ("Læsø");
  vk_test_gui_election_create (&real, election, NULL);
  g_assert_false (vk_ui_package_is_test (real.package));
  {
    g_autofree char *path = g_strdup (vk_package_get_path (real.package));
    g_autoptr (VkPackage) flipped = NULL;
    sqlite3 *db = NULL;

    g_clear_pointer (&real.package, vk_package_free);
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE election SET test = 1", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    flipped = vk_package_open (path, &error);
    g_assert_null (flipped);
    g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
    g_assert_nonnull (strstr (error->message, "election"));
    g_clear_error (&error);
  }
  vk_test_gui_election_clear (&real);
}

int
main (int argc, char **argv)
{
  int status;

  if (!vk_test_gui_init (&argc, &argv, "/gui/setup/skip"))
    return g_test_run ();
  make_fixture ();
  g_test_add_func ("/gui/setup/page", test_setup_page);
  g_test_add_func ("/gui/setup/remembered", test_setup_remembered);
  g_test_add_func ("/gui/setup/status-alone", test_status_alone);
  g_test_add_func ("/gui/setup/status-connections", test_status_connections);
  g_test_add_func ("/gui/setup/valgstyrer", test_valgstyrer);
  g_test_add_func ("/gui/setup/key-dialog", test_key_dialog);
  g_test_add_func ("/gui/setup/test-election-mark", test_election_mark);
  status = g_test_run ();
  g_clear_pointer (&server_key, vk_keypair_free);
  vk_test_gui_election_clear (&fx);
  return status;
}
