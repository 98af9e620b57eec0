/* vk-test-util.h: helpers shared by the C tests.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The KV2025 data folder (../shared/data/kv2025), or NULL with the test
 * skipped when it is absent. */
const char *vk_test_data_dir (void);
/* A path inside the KV2025 folder; the test is skipped when it is absent. */
char *vk_test_data_path (const char *first, ...) G_GNUC_NULL_TERMINATED;
/* A fresh temporary directory, removed at exit. */
char *vk_test_tmpdir (void);
/* Reads a whole file or fails the test. */
GBytes *vk_test_read_file (const char *path);
/* Runs argv, returns the exit status, captures stdout and stderr. */
int vk_test_spawn (const char *const *argv, char **ret_stdout, char **ret_stderr);
/* The built `valgkit` tool. */
const char *vk_test_valgkit (void);

G_END_DECLS
