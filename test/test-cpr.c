/* test-cpr.c: CPR numbers: shape, century, keyed hash.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sodium.h>
#include <string.h>

#include "vk-cpr.h"
#include "vk-error.h"
#include "vk-test-util.h"

static void
assert_date (const char *cpr, const char *expected)
{
  char digits[11];
  g_autofree char *date = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (vk_cpr_normalize (cpr, digits, &error));
  g_assert_no_error (error);
  date = vk_cpr_birth_date (digits);
  g_assert_cmpstr (date, ==, expected);
}

static void
test_cpr_century (void)
{
  /* CPR-kontoret's table: digit 7 and the year give the century. */
  assert_date ("010203-1234", "1903-02-01");
  assert_date ("0102031234", "1903-02-01");
  assert_date ("010203 3234", "1903-02-01");
  assert_date ("010236-4234", "2036-02-01");
  assert_date ("010237-4234", "1937-02-01");
  assert_date ("010236-9234", "2036-02-01");
  assert_date ("010237-9234", "1937-02-01");
  assert_date ("010257-5234", "2057-02-01");
  assert_date ("010258-5234", "1858-02-01");
  assert_date ("290200-4000", "2000-02-29");
  /* Modulus 11 is never checked: 010203-1235 fails it and is accepted. */
  assert_date ("010203-1235", "1903-02-01");
}

static void
test_cpr_bad (void)
{
  static const char *const bad[] = { "",
                                     "0102031",
                                     "010203-12345",
                                     "01020312345",
                                     "010203--1234",
                                     "01a203-1234",
                                     "320103-1234",
                                     "010003-1234",
                                     "290201-1234" /* 1901 is not a leap year */ };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      char digits[11] = "untouched";
      g_autoptr (GError) error = NULL;

      g_assert_false (vk_cpr_normalize (bad[i], digits, &error));
      g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
      g_assert_cmpstr (digits, ==, "untouched");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cpr/century", test_cpr_century);
  g_test_add_func ("/cpr/bad", test_cpr_bad);
  return g_test_run ();
}
