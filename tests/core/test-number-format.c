/* test-number-format.c — counts are grouped in every locale: by the locale's own rule when it
 * has one, by three with a comma in C and C.UTF-8 (which have none). Expected strings are
 * written out by hand. */
#include <locale.h>

#include "dr-number-format.h"

static void
expect_grouped (gint64 n, const char *sep, const char *grouping, const char *want)
{
  g_autofree char *got = dr_number_format_grouped (n, sep, grouping);
  g_assert_cmpstr (got, ==, want);
}

/* localeconv()'s grouping rules, given by hand. */
static void
test_grouped (void)
{
  expect_grouped (0, ",", "\3", "0");
  expect_grouped (999, ",", "\3", "999");
  expect_grouped (1000, ",", "\3", "1,000");
  expect_grouped (123456, ",", "\3", "123,456");
  expect_grouped (1234567, ".", "\3", "1.234.567");
  expect_grouped (-1234567, ",", "\3", "-1,234,567");
  expect_grouped (G_MININT64, ",", "\3", "-9,223,372,036,854,775,808");
  expect_grouped (G_MAXINT64, ",", "\3", "9,223,372,036,854,775,807");
  /* A multi-byte separator (U+202F narrow no-break space, as in fr_FR). */
  expect_grouped (1234567, "\xe2\x80\xaf", "\3", "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567");
  /* hi_IN: three, then twos. */
  expect_grouped (1234567, ",", "\3\2", "12,34,567");
  /* CHAR_MAX after the first group: grouped once only. */
  expect_grouped (1234567, ",", "\3\177", "1234,567");
  /* No rule: no grouping. */
  expect_grouped (1234567, ",", "", "1234567");
  expect_grouped (1234567, "", "\3", "1234567");
}

/* C and C.UTF-8 have no separator: the comma fallback (the review bar showed 123456). */
static void
test_c_locale (void)
{
  const char *locales[] = { "C.UTF-8", "C" };
  for (guint i = 0; i < G_N_ELEMENTS (locales); i++)
    {
      if (setlocale (LC_NUMERIC, locales[i]) == NULL)
        continue;
      g_autofree char *got = dr_number_format_count (123456);
      g_assert_cmpstr (got, ==, "123,456");
      g_autofree char *small = dr_number_format_count (42);
      g_assert_cmpstr (small, ==, "42");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/number-format/grouped", test_grouped);
  g_test_add_func ("/number-format/c-locale", test_c_locale);
  return g_test_run ();
}
