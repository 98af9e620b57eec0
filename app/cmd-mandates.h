/* cmd-mandates.h: `valgkit mandates`, the seat allocation from valg.dk files.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* argv[0] is "mandates".  Exit status: 0 done, 2 bad usage or malformed
 * input, 3 a lot draw is needed and was not given, 1 anything else. */
int vk_cmd_mandates (int argc, char **argv);

#include "vk-seats.h"

/* A tie's description (vk-seats.c words it in English) in Danish, escaped
 * for the terminal: "mandat nr. 5 i kommunalbestyrelsen: lige store
 * kvotienter for …", "liste C, mandat nr. 5 på listen: 11 personlige
 * stemmer hver: …". */
char *vk_cmd_tie_description_da (const VkTie *tie);
