/* station-app.c: valgkit-station, the GTK app at the polling station.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   valgkit-station [--package FILE.vkp] [--device ID] [--key FILE.key] [--db FILE.db]
 *                   [--peer URL]… [--server URL] [--listen HOST:PORT]
 *                   [--tls-cert FILE.pem --tls-key FILE.pem] [--valgstyrer-timeout SECONDS]
 *                   [--forget-setup]
 *
 * The options only fill in the setup page; the passphrase is always
 * typed.  The setup is remembered in $XDG_DATA_HOME/valgkit/station-setup.ini
 * and filled in at the next start (the options win).  The app is Danish
 * by default (docs/station-app.md).
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "station-window.h"

typedef struct
{
  char *package;
  char *device;
  char *key;
  char *db;
  char **peers;
  char *server;
  char *listen;
  char *tls_cert;
  char *tls_key;
  int valgstyrer_timeout;
  gboolean forget_setup;
} Options;

static void
activate_cb (GtkApplication *app, Options *options)
{
  GtkWindow *window = gtk_application_get_active_window (app);

  if (window == NULL)
    {
      VkStationWindow *w = vk_station_window_new (app);
      g_autofree char *setup = vk_station_window_default_setup_file ();

      if (options->forget_setup)
        (void)g_remove (setup);
      vk_station_window_set_setup_file (w, setup);
      if (options->valgstyrer_timeout > 0)
        vk_station_window_set_valgstyrer_timeout (w, (guint)options->valgstyrer_timeout);
      vk_station_window_set_sync_targets (w, (const char *const *)options->peers, options->server);
      vk_station_window_set_listen (w, options->listen, options->tls_cert, options->tls_key);
      vk_station_window_prefill (w, options->package, options->device, options->key, options->db);
      window = GTK_WINDOW (w);
    }
  gtk_window_present (window);
}

int
main (int argc, char **argv)
{
  g_autoptr (AdwApplication) app = NULL;
  Options options = { 0 };
  int status;
  GOptionEntry entries[] = {
    { "package", 0, 0, G_OPTION_ARG_FILENAME, &options.package, N_ ("The election package"), "FILE.vkp" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &options.device, N_ ("The enrolled device id"), "ID" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &options.key, N_ ("The device key file"), "FILE.key" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options.db, N_ ("The device database"), "FILE.db" },
    { "peer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.peers, N_ ("Another table to sync with (repeatable)"), "URL" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &options.server, N_ ("The count server"), "URL" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &options.listen, N_ ("Serve this device's journals to the other tables"),
      "HOST:PORT" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_cert, N_ ("TLS certificate for --listen off loopback"),
      "FILE.pem" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_key, N_ ("TLS private key for --tls-cert"), "FILE.pem" },
    { "valgstyrer-timeout", 0, 0, G_OPTION_ARG_INT, &options.valgstyrer_timeout,
      N_ ("Valgstyrer mode ends after this many seconds without use (default 300)"), "SECONDS" },
    { "forget-setup", 0, 0, G_OPTION_ARG_NONE, &options.forget_setup,
      N_ ("Forget the setup remembered on this computer"), NULL },
    { NULL },
  };

  vk_station_init_i18n ();
  /* At a real table the guards run (vk-station.h: dates, brevstemmer). */
  vk_station_set_guards_default (TRUE);
  app = adw_application_new ("dk.valgkit.Station", G_APPLICATION_NON_UNIQUE);
  g_application_add_main_option_entries (G_APPLICATION (app), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (app), _ ("- the polling station app"));
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), &options);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  g_free (options.package);
  g_free (options.device);
  g_free (options.key);
  g_free (options.db);
  g_strfreev (options.peers);
  g_free (options.server);
  g_free (options.listen);
  g_free (options.tls_cert);
  g_free (options.tls_key);
  return status;
}
