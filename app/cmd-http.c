/* cmd-http.c: `valgkit http-get`: a GET signed with a device key.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * curl cannot sign a request with Ed25519 (RFC 9421), and every read of
 * the count server or a table but /v1/status needs it (docs/api.md,
 * Authentication): this is the command-line reader.
 */
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vk-cli.h"
#include "vk-error.h"
#include "vk-http-pin.h"
#include "vk-http-sig.h"
#include "vk-package.h"
#include "vk-text.h"

int
vk_cmd_http_get (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("URL - a GET signed with a device's key (RFC 9421)");
  g_autofree char *key_path = NULL;
  g_autofree char *device = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *role = NULL;
  g_autofree char *election_path = NULL;
  int timeout = 30;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  guint status;
  GOptionEntry options[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "The enrolled device's key (none: an unsigned request)",
      "KEY.key" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, "The device id (default: the one the key file names)", "ID" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, "SHA-256 of the server's TLS certificate (hex)", "SHA256" },
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election_path,
      "The election package: the certificate it pins for the count server is required", "E.vkp" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait (default 30)", "S" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context,
                                    "Prints the answer's body on stdout and the HTTP status on stderr; exits 0 "
                                    "for a 2xx answer, 1 otherwise.  Example:\n"
                                    "  valgkit http-get --key revisor.key http://127.0.0.1:8080/v1/discrepancies\n"
                                    "With --election, the certificate the package pins for the count server is "
                                    "required (--pin may only repeat it).");
  if (!vk_cli_parse (context, &argc, &argv, "http-get"))
    return VK_EXIT_USAGE;
  if (argc != 2 || timeout < 1 || (device != NULL && key_path == NULL))
    {
      fprintf (stderr, "valgkit http-get: one URL is required (--device only with --key; see --help)\n");
      return VK_EXIT_USAGE;
    }
  msg = soup_message_new ("GET", argv[1]);
  if (msg == NULL)
    {
      fprintf (stderr, "valgkit http-get: \"%s\" is not an http(s) URL\n", argv[1]);
      return VK_EXIT_USAGE;
    }
  if (key_path != NULL)
    {
      if (device == NULL && !vk_key_file_peek (key_path, &role, &device, &error))
        return vk_cli_fail ("http-get", error);
      key = vk_cli_load_key (key_path, &error);
      if (key == NULL)
        return vk_cli_fail ("http-get", error);
      if (!vk_http_sig_sign_message (msg, key, device, NULL, 0, NULL, &error))
        return vk_cli_fail ("http-get", error);
    }
  if (election_path != NULL)
    {
      g_autoptr (VkPackage) package = vk_package_open (election_path, &error);
      g_autofree char *required = NULL;

      if (package == NULL)
        return vk_cli_fail ("http-get", error);
      if (!vk_package_resolve_server_pin (package, pin, (guint64)(g_get_real_time () / 1000), &required, &error))
        return vk_cli_fail ("http-get", error);
      g_free (pin);
      pin = g_steal_pointer (&required);
    }
  if (pin != NULL)
    vk_http_pin_attach (msg, pin, cancellable);
  session = soup_session_new_with_options ("timeout", (guint)timeout, "user-agent", "valgkit/" PACKAGE_VERSION, NULL);
  answer = soup_session_send_and_read (session, msg, cancellable, &error);
  if (pin != NULL)
    {
      g_autoptr (GError) pin_error = NULL;

      if (!vk_http_pin_check (msg, pin, &pin_error))
        {
          fprintf (stderr, "valgkit http-get: GET %s: %s\n", argv[1], pin_error->message);
          return VK_EXIT_FAILED;
        }
    }
  if (answer == NULL)
    {
      g_prefix_error (&error, "GET %s: ", argv[1]);
      if (error->domain != VK_ERROR)
        {
          fprintf (stderr, "valgkit http-get: %s\n", error->message);
          return VK_EXIT_FAILED;
        }
      return vk_cli_fail ("http-get", error);
    }
  status = soup_message_get_status (msg);
  /* Raw into a pipe or file (a journal is CBOR); escaped on a terminal. */
  if (isatty (STDOUT_FILENO))
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
      g_autofree char *escaped = vk_text_escape_controls (text);
      fputs (escaped, stdout);
    }
  else
    fwrite (g_bytes_get_data (answer, NULL), 1, g_bytes_get_size (answer), stdout);
  fflush (stdout);
  fprintf (stderr, "HTTP %u %s\n", status, soup_status_get_phrase (status));
  return SOUP_STATUS_IS_SUCCESSFUL (status) ? VK_EXIT_OK : VK_EXIT_FAILED;
}
