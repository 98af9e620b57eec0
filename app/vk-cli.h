/* vk-cli.h: what the valgkit subcommands share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include <json-glib/json-glib.h>

#include "vk-keys.h"

G_BEGIN_DECLS

/* Exit statuses of every subcommand. */
enum
{
  VK_EXIT_OK = 0,
  VK_EXIT_FAILED = 1, /* the check ran and found a problem (verification failed) */
  VK_EXIT_USAGE = 2,  /* bad arguments or malformed input */
  VK_EXIT_TIE = 3,    /* a lot draw is needed */
};

/* Prints "valgkit CMD: message" to stderr and returns VK_EXIT_USAGE or
 * VK_EXIT_FAILED depending on the error. */
int vk_cli_fail (const char *cmd, const GError *error);
/* Parses options; on --help prints and exits 0, on bad options prints the error and returns FALSE. */
gboolean vk_cli_parse (GOptionContext *context, int *argc, char ***argv, const char *cmd);

/* Prints the builder's value as pretty JSON on stdout. */
void vk_cli_print_json (JsonBuilder *builder);
/* text padded with spaces to width characters (not bytes: "§" and "æ"
 * take one column), for the columns of a table on a terminal. */
char *vk_cli_pad (const char *text, guint width) G_GNUC_WARN_UNUSED_RESULT;

/* Loads an encrypted key file, asking for the passphrase (or $VALGKIT_PASSPHRASE). */
VkKeypair *vk_cli_load_key (const char *path, GError **error);

int vk_cmd_key (int argc, char **argv);
int vk_cmd_journal (int argc, char **argv);
int vk_cmd_election (int argc, char **argv);
int vk_cmd_enroll (int argc, char **argv);
int vk_cmd_demo (int argc, char **argv);
int vk_cmd_audit (int argc, char **argv);
int vk_cmd_print (int argc, char **argv);
int vk_cmd_serve (int argc, char **argv);
int vk_cmd_push (int argc, char **argv);
int vk_cmd_http_get (int argc, char **argv);
int vk_cmd_publish (int argc, char **argv);
int vk_cmd_import (int argc, char **argv);
int vk_cmd_discrepancies (int argc, char **argv);

G_END_DECLS
