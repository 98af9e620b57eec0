/* cmd-report.h: `valgkit report`, the files valg.dk collects.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

int vk_cmd_report (int argc, char **argv);
