/* cmd-region.h: `valgkit region`, the regional council's tally from the municipalities' signed results.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* argv[0] is "region".  Exit status: 0 done, 1 a file did not verify
 * (signature, key, enrolment), 2 bad usage or malformed input, 3 a lot
 * draw is needed and was not given.  docs/region.md. */
int vk_cmd_region (int argc, char **argv);
