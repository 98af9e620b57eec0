/* cmd-folketingsvalg.h: `valgkit folketingsvalg` and `valgkit folkeafstemning`, the national results.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* argv[0] is the command's name.  Exit status: 0 done, 2 bad usage or
 * malformed input, 3 a lot draw is needed and was not given.
 * docs/folketingsvalg.md. */
int vk_cmd_folketingsvalg (int argc, char **argv);
int vk_cmd_folkeafstemning (int argc, char **argv);
int vk_cmd_europaparlamentsvalg (int argc, char **argv);
