/* cmd-serve.c: `valgkit serve`: the count server.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the count database for an election package with the server's
 * device key and serves the HTTP API (docs/api.md) until SIGINT or
 * SIGTERM.  The first line on stdout is "listening on URL", flushed, so
 * that scripts and tests that asked for port 0 learn the port.
 *
 * With --valgdk DIR the server also writes the valg.dk delivery into DIR
 * as each file becomes due (vk-valgdk-delivery.h) and serves it to the
 * collector role.
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "vk-cli.h"
#include "vk-count-http.h"
#include "vk-count.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-text.h"
#include "vk-valgdk-delivery.h"
#include "vk-valgdk-turnout.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* The delivery's log lines go to stdout after the "listening on" line
 * (which must come first); the first run's lines wait until then. */
typedef struct
{
  GMutex lock;
  GPtrArray *held; /* char*, until ready */
  gboolean ready;
} DeliveryLog;

static void
delivery_log_cb (const char *line, gpointer user_data)
{
  DeliveryLog *log = user_data;
  g_autofree char *shown = vk_text_escape_controls (line);

  g_mutex_lock (&log->lock);
  if (!log->ready)
    g_ptr_array_add (log->held, g_steal_pointer (&shown));
  else
    {
      printf ("%s\n", shown);
      fflush (stdout);
    }
  g_mutex_unlock (&log->lock);
}

static void
delivery_log_ready (DeliveryLog *log)
{
  g_mutex_lock (&log->lock);
  for (guint i = 0; i < log->held->len; i++)
    printf ("%s\n", (const char *)g_ptr_array_index (log->held, i));
  fflush (stdout);
  g_ptr_array_set_size (log->held, 0);
  log->ready = TRUE;
  g_mutex_unlock (&log->lock);
}

static void
stored_cb (const char *device_id, gpointer user_data)
{
  vk_valgdk_delivery_poke (user_data);
}

/* A server whose enrolment pins its TLS certificate serves that one and
 * no other (every client would refuse it): checked before the first
 * request.  fingerprint is NULL for plain HTTP (loopback only). */
static gboolean
check_certificate_pin (VkPackage *package, const char *device_id, const char *fingerprint, GError **error)
{
  const VkDevice *self = vk_package_lookup_device (package, device_id);
  g_autofree char *pinned = NULL;
  g_autofree char *shown = vk_text_escape_controls (device_id);
  g_autoptr (GError) local_error = NULL;

  if (fingerprint == NULL)
    return TRUE;
  if (self != NULL && self->has_tls)
    {
      pinned = vk_hex_encode (self->tls_sha256, VK_TLS_PIN_BYTES);
      if (g_ascii_strcasecmp (pinned, fingerprint) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_KEY,
                       "the TLS certificate (SHA-256 %s) is not the one the enrolment of %s pins (SHA-256 %s); every "
                       "client would refuse it: give --tls-cert the enrolled certificate, or enrol the new one",
                       fingerprint, shown, pinned);
          return FALSE;
        }
      return TRUE;
    }
  /* No pin of its own: warn when the clients will require another. */
  if (!vk_package_resolve_server_pin (package, NULL, (guint64)(g_get_real_time () / 1000), &pinned, &local_error))
    fprintf (stderr, "valgkit serve: warning: %s\n", local_error->message);
  else if (pinned != NULL && g_ascii_strcasecmp (pinned, fingerprint) != 0)
    fprintf (stderr,
             "valgkit serve: warning: the package pins another certificate for the count server (SHA-256 %s); "
             "clients will refuse this one\n",
             pinned);
  return TRUE;
}

int
vk_cmd_serve (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- run the count server");
  g_autofree char *election_path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *valgdk_dir = NULL;
  g_autofree char *times_text = NULL, *clock_text = NULL, *previous_dir = NULL, *lots_path = NULL;
  g_autoptr (GArray) times = NULL;
  /* Declared before the delivery, which borrows it: freed after it. */
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkValgdkDelivery) delivery = NULL;
  DeliveryLog delivery_log = { 0 };
  int max_body_mib = (int)(VK_COUNT_HTTP_MAX_BODY / (1024 * 1024));
  gint64 max_body_memory = (gint64)VK_COUNT_HTTP_BODY_BUDGET;
  int max_requests = (int)VK_COUNT_HTTP_MAX_IN_FLIGHT;
  int max_connections = (int)VK_HTTP_MAX_CONNECTIONS;
  int max_per_address = (int)VK_HTTP_MAX_PER_ADDRESS;
  double header_timeout = VK_HTTP_HEADER_TIMEOUT_MS / 1000.0;
  double body_timeout = VK_HTTP_BODY_TIMEOUT_MS / 1000.0;
  double idle_timeout = VK_HTTP_IDLE_TIMEOUT_MS / 1000.0;
  VkHttpLimits limits;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (VkCountHttp) http = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  guint sigint, sigterm;
  GOptionEntry options[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election_path, "The election package", "E.vkp" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The count database (created when missing)", "COUNT.db" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "The server's device key (role server)", "SERVER.key" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1:8080; port 0 picks one)",
      "HOST:PORT" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "TLS certificate (PEM); required off loopback", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "TLS private key (PEM)", "FILE" },
    { "valgdk", 0, 0, G_OPTION_ARG_FILENAME, &valgdk_dir,
      "Write the valg.dk delivery into this folder as each file becomes due, and serve it to the collector role at "
      "/v1/valgdk",
      "DIR" },
    { "turnout-times", 0, 0, G_OPTION_ARG_STRING, &times_text,
      "With --valgdk: the announced turnout times (default " VK_VALGDK_TURNOUT_TIMES_DEFAULT ")", "HH:MM,…" },
    { "valgdk-previous", 0, 0, G_OPTION_ARG_FILENAME, &previous_dir,
      "With --valgdk: the previous election's valg.dk result files, for the differences", "DIR" },
    { "valgdk-lots", 0, 0, G_OPTION_ARG_FILENAME, &lots_path, "With --valgdk: lot draws for the seat allocation",
      "LOTS.json" },
    { "valgdk-clock", 0, 0, G_OPTION_ARG_STRING, &clock_text,
      "With --valgdk: the delivery's clock starts at this Danish time (rehearsals and tests; default: the real clock)",
      "[YYYY-MM-DD ]HH:MM[:SS]" },
    { "max-body", 0, 0, G_OPTION_ARG_INT, &max_body_mib, "Largest request body in MiB (default 64)", "MIB" },
    { "max-body-memory", 0, 0, G_OPTION_ARG_INT64, &max_body_memory,
      "Most bytes of request bodies held at once, at least --max-body (default 192 MiB)", "BYTES" },
    { "max-requests", 0, 0, G_OPTION_ARG_INT, &max_requests, "Most requests handled at once (default 256)", "N" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, "Most connections open at once (default 512)", "N" },
    { "max-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      "Most connections open at once from one client address (default 64)", "N" },
    { "header-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &header_timeout,
      "Seconds for a request head to arrive, TLS handshake included (default 15)", "S" },
    { "body-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &body_timeout, "Seconds for a request body to arrive (default 60)",
      "S" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &idle_timeout,
      "Seconds a connection may move no byte either way (default 30)", "S" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context,
                                    "Plain HTTP is served only on loopback (127.0.0.0/8, ::1); anywhere else give "
                                    "--tls-cert and --tls-key.\nThe key's passphrase is read from $VALGKIT_PASSPHRASE "
                                    "or asked for.  Stop the server with Ctrl-C (SIGINT) or SIGTERM.");
  if (!vk_cli_parse (context, &argc, &argv, "serve"))
    return VK_EXIT_USAGE;
  if (election_path == NULL || db_path == NULL || key_path == NULL || argc != 1 || max_body_mib < 1
      || max_body_memory < (gint64)max_body_mib * 1024 * 1024 || max_requests < 1 || max_connections < 1
      || max_per_address < 1 || !(header_timeout >= 0.05 && header_timeout <= 3600)
      || !(body_timeout >= 0.05 && body_timeout <= 3600) || !(idle_timeout >= 1 && idle_timeout <= 3600))
    {
      fprintf (stderr, "valgkit serve: --election, --db and --key are required (see --help)\n");
      return VK_EXIT_USAGE;
    }
  if (listen == NULL)
    listen = g_strdup ("127.0.0.1:8080");
  if (valgdk_dir == NULL && (times_text != NULL || clock_text != NULL || previous_dir != NULL || lots_path != NULL))
    {
      fprintf (stderr, "valgkit serve: --turnout-times, --valgdk-previous, --valgdk-lots and --valgdk-clock need "
                       "--valgdk\n");
      return VK_EXIT_USAGE;
    }
  if (times_text != NULL && (times = vk_valgdk_parse_times (times_text, &error)) == NULL)
    return vk_cli_fail ("serve", error);

  package = vk_package_open (election_path, &error);
  if (package == NULL)
    return vk_cli_fail ("serve", error);
  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("serve", error);
  count = vk_count_open (db_path, package, key, &error);
  if (count == NULL)
    return vk_cli_fail ("serve", error);

  if (valgdk_dir != NULL)
    {
      VkValgdkDeliveryOptions o = { 0 };

      o.times = times;
      o.previous_dir = previous_dir;
      o.lots_path = lots_path;
      o.server_key = key;
      if (clock_text != NULL)
        {
          gint64 start = vk_valgdk_parse_clock (clock_text, vk_package_get_election (package)->date);
          if (start < 0)
            {
              g_autofree char *shown = vk_text_escape_controls (clock_text);
              fprintf (stderr, "valgkit serve: --valgdk-clock %s is not HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS]\n", shown);
              return VK_EXIT_USAGE;
            }
          o.clock_offset_ms = start - g_get_real_time () / 1000;
        }
      delivery = vk_valgdk_delivery_new (election_path, db_path, valgdk_dir, &o, &error);
      if (delivery == NULL)
        return vk_cli_fail ("serve", error);
      g_mutex_init (&delivery_log.lock);
      delivery_log.held = g_ptr_array_new_with_free_func (g_free);
      vk_valgdk_delivery_set_log_func (delivery, delivery_log_cb, &delivery_log);
      /* Catch up before serving: a restart finds nothing changed and
       * writes nothing. */
      if (!vk_valgdk_delivery_start (delivery, &error))
        return vk_cli_fail ("serve", error);
    }

  http = vk_count_http_new (count);
  if (delivery != NULL)
    vk_count_http_set_stored_func (http, stored_cb, delivery);
  vk_count_http_set_limits (http, (gsize)max_body_mib * 1024 * 1024, (guint)max_requests);
  vk_count_http_set_body_budget (http, (gsize)max_body_memory);
  limits = (VkHttpLimits){
    .max_connections = (guint)max_connections,
    .max_per_address = (guint)max_per_address,
    .header_timeout_ms = (guint)(header_timeout * 1000),
    .body_timeout_ms = (guint)(body_timeout * 1000),
    .idle_timeout_ms = (guint)(idle_timeout * 1000),
  };
  vk_count_http_set_connection_limits (http, &limits);
  vk_count_http_set_valgdk_dir (http, valgdk_dir);
  if (!vk_count_http_listen (http, listen, tls_cert, tls_key, &error))
    return vk_cli_fail ("serve", error);
  if (!check_certificate_pin (package, vk_count_get_device_id (count), vk_count_http_get_tls_fingerprint (http),
                              &error))
    return vk_cli_fail ("serve", error);

  printf ("listening on %s\n", vk_count_http_get_url (http));
  printf ("server device %s, database %s\n", vk_count_get_device_id (count), db_path);
  if (vk_count_http_get_tls_fingerprint (http) != NULL)
    printf ("TLS certificate SHA-256 %s\n", vk_count_http_get_tls_fingerprint (http));
  if (delivery != NULL)
    {
      printf ("valg.dk delivery in %s, turnout at %s\n", valgdk_dir,
              times_text != NULL ? times_text : VK_VALGDK_TURNOUT_TIMES_DEFAULT);
      delivery_log_ready (&delivery_log);
    }
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  /* Requests still on a worker thread may poke the delivery: let them
   * finish (a bounded wait) before it goes. */
  if (delivery != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (vk_count_http_get_in_flight (http) > 0 && g_get_monotonic_time () < deadline)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
    }

  /* Every acknowledged batch was committed before its receipt was sent;
   * closing only releases the files. */
  g_clear_pointer (&http, vk_count_http_free);
  /* A run in progress finishes (its files are whole either way). */
  g_clear_pointer (&delivery, vk_valgdk_delivery_free);
  if (delivery_log.held != NULL)
    {
      g_ptr_array_unref (delivery_log.held);
      g_mutex_clear (&delivery_log.lock);
    }
  g_clear_pointer (&count, vk_count_close);
  /* Every entry's signature is verified before it is stored (benchmarks
   * compare this with the entries they pushed). */
  printf ("%" G_GUINT64_FORMAT " entry signatures verified\n", vk_journal_signatures_verified ());
  printf ("stopped\n");
  return VK_EXIT_OK;
}
