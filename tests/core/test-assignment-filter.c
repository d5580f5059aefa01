/* test-assignment-filter.c — Mine / Unassigned / Everyone's, without a server or a display. */
#include "dr-assignment-filter.h"

typedef struct {
  const char *assignee, *holder;
  gboolean mine, unassigned;
} Case;

/* Every combination of assignee and lease holder that matters, as "me" = "ann". */
static void
test_table (void)
{
  const Case cases[] = {
    { NULL, NULL, FALSE, TRUE },      /* free, nobody works on it */
    { "", "", FALSE, TRUE },          /* the same as the server's empty strings */
    { "ann", NULL, TRUE, FALSE },     /* assigned to me */
    { "ann", "lead", TRUE, FALSE },   /* assigned to me, a lead took the lease over */
    { "bob", NULL, FALSE, FALSE },    /* someone else's */
    { "bob", "ann", FALSE, FALSE },   /* someone else's even if I hold a lease on it */
    { NULL, "ann", TRUE, TRUE },      /* free claim I took with "Next unreviewed" */
    { "", "bob", FALSE, TRUE },       /* free claim someone else is working on */
    { "anna", NULL, FALSE, FALSE },   /* a login that merely starts like mine */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_test_message ("case %u: assignee %s, holder %s", i, c->assignee, c->holder);
      g_assert_cmpint (dr_assignment_filter_accepts (DR_ASSIGNMENT_FILTER_MINE, c->assignee,
                                                     c->holder, "ann"), ==, c->mine);
      g_assert_cmpint (dr_assignment_filter_accepts (DR_ASSIGNMENT_FILTER_UNASSIGNED,
                                                     c->assignee, c->holder, "ann"),
                       ==, c->unassigned);
      g_assert_true (dr_assignment_filter_accepts (DR_ASSIGNMENT_FILTER_EVERYONE, c->assignee,
                                                   c->holder, "ann"));
    }
}

/* Without a login (not connected yet) nothing is mine, not even claims assigned to "". */
static void
test_no_login (void)
{
  g_assert_false (dr_assignment_filter_accepts (DR_ASSIGNMENT_FILTER_MINE, NULL, NULL, NULL));
  g_assert_false (dr_assignment_filter_accepts (DR_ASSIGNMENT_FILTER_MINE, "", "", ""));
  g_assert_true (dr_assignment_filter_accepts (DR_ASSIGNMENT_FILTER_UNASSIGNED, NULL, NULL,
                                               NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/assignment-filter/table", test_table);
  g_test_add_func ("/assignment-filter/no-login", test_no_login);
  return g_test_run ();
}
