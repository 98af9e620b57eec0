/* valgkit.c: the command-line tool.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <stdio.h>

#include <glib.h>

#include "cmd-mandates.h"

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      fprintf (stderr, "usage: valgkit COMMAND [ARGS…]\n");
      return 2;
    }
  if (g_strcmp0 (argv[1], "mandates") == 0)
    return vk_cmd_mandates (argc - 1, argv + 1);
  return 0;
}
