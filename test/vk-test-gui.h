/* vk-test-gui.h: what the GUI tests of valgkit-station share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header-only (static functions) like vk-test-stations.h: start-up with
 * isolated HOME and XDG folders per test (G_TEST_OPTION_ISOLATE_DIRS), an
 * election package in a temporary folder, a device key saved and enrolled beside
 * the package, the window opened through its setup page, the main loop
 * spun until a condition holds, widgets found by their template id in
 * the window or any of its pages, and screenshots.
 */
#pragma once

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "station-window.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-test-util.h"

G_BEGIN_DECLS

#define VK_TEST_GUI_PASS "prøvevalg"

/* The window size whose screenshot is 1366×768, a laptop's screen (the
 * window's client-side shadow takes 5 px on each side). */
#define VK_TEST_GUI_SHOT_WIDTH 1376
#define VK_TEST_GUI_SHOT_HEIGHT 778

/* Spins the main loop until cond holds, for at most ms milliseconds. */
#define VK_TEST_WAIT_FOR_MS(cond, ms)                                                                                  \
  G_STMT_START                                                                                                         \
  {                                                                                                                    \
    gint64 deadline_ = g_get_monotonic_time () + (gint64)(ms)*1000;                                                    \
    while (!(cond) && g_get_monotonic_time () < deadline_)                                                             \
      g_main_context_iteration (NULL, FALSE);                                                                          \
    g_assert_true (cond);                                                                                              \
  }                                                                                                                    \
  G_STMT_END
#define VK_TEST_WAIT_FOR(cond) VK_TEST_WAIT_FOR_MS (cond, 10000)

static G_GNUC_UNUSED void
vk_test_gui_skip (void)
{
  g_test_skip ("no display (run under xvfb-run: test/gui-run.sh)");
}

/* An election package in a fresh temporary folder, with its election
 * key, for the devices a test enrols. */
typedef struct
{
  char *dir;      /* the folder: election.vkp, keys/, databases */
  char *pkg_path; /* dir/election.vkp */
  VkElection *election;
  VkKeypair *election_key;
  VkVoterList *voters; /* may be NULL */
  VkPackage *package;  /* open for enrolment until the test closes it */
  guint area;          /* the first area's number */
  guint other_area;    /* the second's, or 0 */
} VkTestGuiElection;

/* Writes the package of election and voters (both taken; voters may be
 * NULL) signed by a new election key. */
static G_GNUC_UNUSED void
vk_test_gui_election_create (VkTestGuiElection *f, VkElection *election, VkVoterList *voters)
{
  g_autoptr (GError) error = NULL;

  f->dir = vk_test_tmpdir ();
  f->pkg_path = g_build_filename (f->dir, "election.vkp", NULL);
  f->election = election;
  f->voters = voters;
  f->election_key = vk_keypair_generate ();
  f->package = vk_package_create (f->pkg_path, f->election, f->voters, f->election_key, &error);
  g_assert_no_error (error);
  f->area = ((VkArea *)g_ptr_array_index (election->areas, 0))->number;
  f->other_area = election->areas->len > 1 ? ((VkArea *)g_ptr_array_index (election->areas, 1))->number : 0;
}

/* The same for a synthetic municipality (vk-fake-election) with
 * n_voters generated voters. */
static G_GNUC_UNUSED void
vk_test_gui_election_create_fake (VkTestGuiElection *f, guint seed, guint n_voters)
{
  VkElection *election = vk_fake_election_new (seed);

  vk_test_gui_election_create (f, election, vk_voters_generate_for_election (election, n_voters, seed));
}

static G_GNUC_UNUSED void
vk_test_gui_election_clear (VkTestGuiElection *f)
{
  g_clear_pointer (&f->package, vk_package_free);
  g_clear_pointer (&f->voters, vk_voter_list_free);
  g_clear_pointer (&f->election, vk_election_free);
  g_clear_pointer (&f->election_key, vk_keypair_free);
  g_clear_pointer (&f->pkg_path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

/* Starts a GUI test: without a display only skip_path (a skipping test)
 * is added and FALSE returned, so that main returns g_test_run().  With
 * one: the app's default language (the locale variables unset), GTK with isolated HOME and XDG folders per test, the
 * app's gettext set-up, libadwaita and libsodium. */
static G_GNUC_UNUSED gboolean
vk_test_gui_init (int *argc, char ***argv, const char *skip_path)
{
  /* The app's own default: Danish without LANGUAGE or LANG. */
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_unsetenv ("LANG");
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_init (argc, argv, NULL);
      g_test_add_func (skip_path, vk_test_gui_skip);
      return FALSE;
    }
  /* gtk_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL) would
   * be the call, but GTK 4.8 ignores its options ("currently unused")
   * and starts GLib's test framework without them.  So GLib is started
   * here with isolated folders, then GTK as gtk_test_init() does. */
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_disable_setlocale ();
  gtk_init ();
  vk_station_init_i18n ();
  adw_init ();
  g_assert_cmpint (sodium_init (), >=, 0);
  return TRUE;
}

static G_GNUC_UNUSED void
vk_test_gui_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* dir/keys/DEVICE.key */
static G_GNUC_UNUSED char *
vk_test_gui_key_path (const char *dir, const char *device)
{
  g_autofree char *name = g_strconcat (device, ".key", NULL);
  return g_build_filename (dir, "keys", name, NULL);
}

/* Creates a device key, saves it as dir/keys/DEVICE.key under
 * VK_TEST_GUI_PASS and enrols it in f's package for [from_ms, to_ms].
 * Returns the key. */
static G_GNUC_UNUSED VkKeypair *
vk_test_gui_enroll (VkTestGuiElection *f, const char *device, const char *role, guint area, guint64 from_ms,
                    guint64 to_ms)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = vk_test_gui_key_path (f->dir, device);
  g_autofree char *keys = g_path_get_dirname (path);
  VkKeypair *key = vk_keypair_generate ();

  g_assert_nonnull (f->package);
  g_assert_cmpint (g_mkdir_with_parents (keys, 0700), ==, 0);
  g_assert_true (vk_keypair_save (key, path, VK_TEST_GUI_PASS, VK_KDF_INTERACTIVE, role, device, &error));
  g_assert_true (vk_package_enroll (f->package, f->election_key, device, role, area, vk_keypair_get_public_key (key),
                                    from_ms, to_ms, &error));
  g_assert_no_error (error);
  return key;
}

/* The widget with template id name in root or in any valgkit widget
 * (Vk…) inside it: the window and its pages.  Fails the test when none. */
static G_GNUC_UNUSED GObject *
vk_test_gui_find (GtkWidget *root, const char *name)
{
  const char *type_name = G_OBJECT_TYPE_NAME (root);
  GObject *o = NULL;

  if (g_str_has_prefix (type_name, "Vk"))
    o = gtk_widget_get_template_child (root, G_OBJECT_TYPE (root), name);
  for (GtkWidget *c = gtk_widget_get_first_child (root); o == NULL && c != NULL; c = gtk_widget_get_next_sibling (c))
    o = vk_test_gui_find (c, name);
  return o;
}

static G_GNUC_UNUSED gpointer
vk_test_gui_child (gpointer root, const char *name)
{
  GObject *o = vk_test_gui_find (GTK_WIDGET (root), name);

  if (o == NULL)
    g_error ("no widget %s in %s", name, G_OBJECT_TYPE_NAME (root));
  return o;
}

/* A new window of width × height, shown and mapped; set what must be
 * set before the device opens (listen, sync), then vk_test_gui_open_device(). */
static G_GNUC_UNUSED VkStationWindow *
vk_test_gui_new_window (int width, int height)
{
  VkStationWindow *win = vk_station_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (win), width, height);
  gtk_window_present (GTK_WINDOW (win));
  VK_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (win)));
  return win;
}

/* Opens the device through the setup page: the fields filled, the
 * passphrase typed and Enter pressed in it. */
static G_GNUC_UNUSED void
vk_test_gui_open_device (VkStationWindow *win, const char *pkg_path, const char *device, const char *key_path,
                         const char *db_path)
{
  GtkWidget *passphrase = vk_test_gui_child (win, "passphrase_entry");

  vk_station_window_prefill (win, pkg_path, device, key_path, db_path);
  gtk_editable_set_text (GTK_EDITABLE (passphrase), VK_TEST_GUI_PASS);
  g_signal_emit_by_name (passphrase, "activate");
  VK_TEST_WAIT_FOR (vk_station_window_get_station (win) != NULL);
  g_assert_cmpstr (vk_station_get_device (vk_station_window_get_station (win))->device_id, ==, device);
}

/* The newest entry of the window's journal. */
static G_GNUC_UNUSED VkEntry *
vk_test_gui_last_entry (VkStationWindow *win)
{
  VkStation *s = vk_station_window_get_station (win);
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (s), 0, NULL);
  return g_ptr_array_steal_index (entries, entries->len - 1);
}

/* Saves a PNG of widget's window as name in $VK_SCREENSHOT_DIR (else
 * the build folder's screenshots/), after settle_ms of layout and drawing. */
static G_GNUC_UNUSED void
vk_test_gui_screenshot (gpointer widget, const char *name, guint settle_ms)
{
  const char *dir = g_getenv ("VK_SCREENSHOT_DIR");
  g_autofree char *fallback = g_build_filename (
      g_getenv ("G_TEST_BUILDDIR") != NULL ? g_getenv ("G_TEST_BUILDDIR") : ".", "screenshots", NULL);
  g_autofree char *path = NULL;
  GtkWidget *w = GTK_WIDGET (widget);
  g_autoptr (GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkTexture *texture;
  int width, height;

  vk_test_gui_spin (settle_ms);
  paintable = gtk_widget_paintable_new (w);
  /* Right after a resize the widget may not have drawn yet (under load):
   * an empty snapshot is retried for up to 5 s. */
  for (gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;;)
    {
      width = gtk_widget_get_width (w);
      height = gtk_widget_get_height (w);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL || g_get_monotonic_time () > deadline)
        break;
      vk_test_gui_spin (50);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (w)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (dir == NULL)
    dir = fallback;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot %s (%dx%d)", path, width, height);
  g_object_unref (texture);
  gsk_render_node_unref (node);
}

/* The mapped toplevel window whose widget name is name, or NULL. */
static G_GNUC_UNUSED GtkWindow *
vk_test_gui_find_toplevel (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
      if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (w)), name) == 0 && gtk_widget_get_mapped (GTK_WIDGET (w)))
        return GTK_WINDOW (w);
    }
  return NULL;
}

/* The widget named name (gtk_widget_set_name) in root, or NULL. */
static G_GNUC_UNUSED GtkWidget *
vk_test_gui_find_named (GtkWidget *root, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = vk_test_gui_find_named (c, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Takes charge as valgstyrer through the window's "Valgstyrer…" prompt:
 * name typed, the key file key_path, passphrase typed and Enter pressed;
 * waits for the prompt's outcome.  TRUE when valgstyrer mode is on. */
static G_GNUC_UNUSED gboolean
vk_test_gui_enter_valgstyrer (VkStationWindow *win, const char *name, const char *key_path, const char *passphrase)
{
  GtkWindow *dialog = NULL;
  GtkWidget *pass;
  GtkWidget *message;
  GtkWidget *unlock;

  gtk_toggle_button_set_active (vk_test_gui_child (win, "valgstyrer_button"), TRUE);
  VK_TEST_WAIT_FOR ((dialog = vk_test_gui_find_toplevel ("valgstyrer_dialog")) != NULL);
  gtk_editable_set_text (GTK_EDITABLE (vk_test_gui_find_named (GTK_WIDGET (dialog), "valgstyrer_name")), name);
  if (key_path != NULL)
    gtk_editable_set_text (GTK_EDITABLE (vk_test_gui_find_named (GTK_WIDGET (dialog), "valgstyrer_key_path")),
                           key_path);
  pass = vk_test_gui_find_named (GTK_WIDGET (dialog), "valgstyrer_passphrase");
  message = vk_test_gui_find_named (GTK_WIDGET (dialog), "valgstyrer_message");
  unlock = vk_test_gui_find_named (GTK_WIDGET (dialog), "valgstyrer_unlock");
  gtk_label_set_text (GTK_LABEL (message), "");
  gtk_editable_set_text (GTK_EDITABLE (pass), passphrase);
  g_signal_emit_by_name (pass, "activate");
  VK_TEST_WAIT_FOR (vk_station_window_get_valgstyrer (win) != NULL
                    || (vk_test_gui_find_toplevel ("valgstyrer_dialog") != NULL && gtk_widget_get_sensitive (unlock)
                        && *gtk_label_get_text (GTK_LABEL (message)) != '\0'));
  return vk_station_window_get_valgstyrer (win) != NULL;
}

/* The message dialog on screen, or NULL. */
static G_GNUC_UNUSED AdwMessageDialog *
vk_test_gui_find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_mapped (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* Presses Enter in window w, as the key does: the focused entry takes it
 * (and, with activates-default, hands it on to the window's default
 * widget), a focused button is clicked, else the window activates its
 * default widget (GtkWindow's Return binding, "activate-default").  GTK
 * 4.8 cannot synthesize a key event; this is the path the key takes. */
static G_GNUC_UNUSED void
vk_test_gui_press_enter (gpointer window)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));

  if (focus != NULL && (GTK_IS_TEXT (focus) || GTK_IS_BUTTON (focus)))
    g_signal_emit_by_name (focus, "activate");
  else
    g_signal_emit_by_name (window, "activate-default");
  vk_test_gui_spin (30);
}

/* The default widget of dialog is its response button labelled label
 * (AdwMessageDialog has no getter for its buttons). */
static G_GNUC_UNUSED gboolean
vk_test_gui_default_is (gpointer dialog, const char *label)
{
  GtkWidget *w = gtk_window_get_default_widget (GTK_WINDOW (dialog));

  return w != NULL && GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), label) == 0;
}

G_END_DECLS
