/* cmd-folketingsvalg.h: `valgkit folketingsvalg` and `valgkit folkeafstemning`, the national results.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "vk-dst.h"

/* argv[0] is the command's name.  Exit status: 0 done, 2 bad usage or
 * malformed input, 3 a lot draw is needed and was not given.
 * docs/folketingsvalg.md. */
int vk_cmd_folketingsvalg (int argc, char **argv);
int vk_cmd_folkeafstemning (int argc, char **argv);
int vk_cmd_europaparlamentsvalg (int argc, char **argv);

/* `--valgdk-out DIR` of folketingsvalg and folkeafstemning: one
 * municipality's areas of DST's folder as valg.dk area files
 * (vk-dst-valgdk.h).  cmd names the command in messages. */
int vk_cmd_dst_valgdk_out (const char *cmd, VkDstKind kind, const char *results, const char *out_dir,
                           const char *kommune, const char *kommune_navn, const char *const *kredse);

/* `--signed FILE … --trust TRUST`: every file read and verified by
 * vk_valgdk_result_read() (contest "FV", "FA" or "EP"), one per
 * municipality; VkContestResult*. */
GPtrArray *vk_cmd_read_signed (const char *const *paths, const char *trust_path, const char *contest, GError **error);
