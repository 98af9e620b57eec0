/* station-i18n.c: the station app's language.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "station-i18n.h"

/* Gettext.  The stations are Danish: Danish is the default.  Debian
 * systems often lack a generated da_DK locale, and with the C locale
 * gettext ignores LANGUAGE, so the app falls back to C.UTF-8 and sets
 * LANGUAGE=da itself. */
void
vk_station_init_i18n (void)
{
  const char *locale = setlocale (LC_ALL, "");
  const char *language = g_getenv ("LANGUAGE");
  const char *dir = g_getenv ("VALGKIT_LOCALEDIR");
  g_autofree char *installed = g_build_filename (LOCALEDIR, "da", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  const char *messages;

  if (locale == NULL || strcmp (locale, "C") == 0 || strcmp (locale, "POSIX") == 0)
    locale = setlocale (LC_ALL, "C.UTF-8");
  messages = setlocale (LC_MESSAGES, NULL);
  if (language == NULL || *language == '\0')
    {
      /* Another real language chosen with LANG (en_GB.UTF-8…) is kept. */
      if (messages == NULL || g_str_has_prefix (messages, "C") || g_str_has_prefix (messages, "POSIX")
          || g_str_has_prefix (messages, "da"))
        g_setenv ("LANGUAGE", "da", TRUE);
    }
  if (dir == NULL)
    dir = g_file_test (installed, G_FILE_TEST_EXISTS) ? LOCALEDIR : VK_BUILD_LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
