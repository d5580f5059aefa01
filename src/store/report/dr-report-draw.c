/* dr-report-draw.c — the layout of the claim report's pages, in points on a cairo PDF
 * surface: a header (report, claim, page number) and a footer (model checkpoints, origin) on
 * every page, the claim's summary page and one page per photo. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dr-damage.h"
#include "dr-report-private.h"
#include "dr-rle.h"

#define FONT "Sans"
#define MONO "Monospace"
#define GREY 0x555555
#define BLACK 0x000000
#define RULE 0xBBBBBB

/* Longest side of the masks drawn over a photo: the overlay needs less detail than the
 * photo, and noisy masks would otherwise dominate the file size. */
#define MASK_MAX_SIDE 500

/* Sets the cairo source to 0xRRGGBB at @alpha. */
static void
set_rgb (cairo_t *cr, guint32 rgb, double alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

/* A layout of @str in @font (a Pango font description, sizes in points), wrapped at @width
 * points (no wrapping when <= 0). */
static PangoLayout *
make_layout (DrReportPage *page, const char *font, const char *str, double width,
             PangoAlignment align)
{
  PangoLayout *layout = pango_layout_new (page->pango);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, str, -1);
  return layout;
}

/* Draws @str with its top-left corner at (@x, @y) and returns its height in points. */
static double
draw_text (DrReportPage *page, const char *font, const char *str, double x, double y,
           double width, PangoAlignment align, guint32 rgb)
{
  g_autoptr (PangoLayout) layout = make_layout (page, font, str, width, align);
  set_rgb (page->cr, rgb, 1.0);
  cairo_move_to (page->cr, x, y);
  pango_cairo_show_layout (page->cr, layout);
  int w, h;
  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* Height of @str as draw_text would draw it. */
static double
text_height (DrReportPage *page, const char *font, const char *str, double width)
{
  g_autoptr (PangoLayout) layout = make_layout (page, font, str, width, PANGO_ALIGN_LEFT);
  int w, h;
  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* A horizontal rule across the text column at @y. */
static void
draw_rule (DrReportPage *page, double y, guint32 rgb, double line_width)
{
  set_rgb (page->cr, rgb, 1.0);
  cairo_set_line_width (page->cr, line_width);
  cairo_move_to (page->cr, page->margin, y);
  cairo_line_to (page->cr, page->width - page->margin, y);
  cairo_stroke (page->cr);
}

/* A small square in the colour of @d, as in the window's legend. */
static void
draw_swatch (DrReportPage *page, DrDamage d, double x, double y, double size)
{
  cairo_rectangle (page->cr, x, y, size, size);
  set_rgb (page->cr, dr_damage_get_rgb (d), DR_REPORT_FILL_ALPHA);
  cairo_fill_preserve (page->cr);
  set_rgb (page->cr, dr_damage_get_rgb (d), 1.0);
  cairo_set_line_width (page->cr, 1.0);
  cairo_stroke (page->cr);
}

/* See header. */
char *
dr_report_format_time (gint64 usec)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("?");
  g_autoptr (GDateTime) local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* Header: report and claim on the left, page number on the right; returns where the body
 * starts. */
static double
draw_header (DrReportPage *page, const DrReportClaim *claim)
{
  double y = page->margin - 14;
  double w = page->width - 2 * page->margin;
  /* TRANSLATORS: page header of the claim report; %s is the claim name. */
  g_autofree char *left = g_strdup_printf (_("Damage claim report · Claim %s"), claim->name);
  /* TRANSLATORS: page header of the claim report: page number and page count. */
  g_autofree char *right = g_strdup_printf (_("Page %u of %u"), page->page, page->n_pages);
  draw_text (page, FONT " 8", right, page->margin, y, w, PANGO_ALIGN_RIGHT, GREY);
  double h = draw_text (page, FONT " 8", left, page->margin, y, w * 0.75, PANGO_ALIGN_LEFT,
                        GREY);
  draw_rule (page, y + h + 3, RULE, 0.6);
  return y + h + 16;
}

/* Footer: the checkpoints behind the claim's masks and where the report came from; returns
 * its top edge, below which the body must not go. */
static double
draw_footer (DrReportPage *page, const DrReportClaim *claim)
{
  double w = page->width - 2 * page->margin;
  g_autoptr (GString) models = g_string_new (NULL);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    g_string_append_printf (models, "%s%s: %s", d ? "\n" : "",
                            dr_damage_get_display_name ((DrDamage) d),
                            claim->models[d] ? claim->models[d] : _("no model"));
  g_autofree char *origin =
    /* TRANSLATORS: claim report footer: the date, the app's version, the project file. */
    g_strdup_printf (_("Generated %s by Damage Review %s from the project %s"),
                     page->generated, PACKAGE_VERSION, page->project_name);
  const char *title = _("Model checkpoints behind these masks (SHA-256)");
  double h = text_height (page, FONT " 6.5", title, w) + text_height (page, MONO " 6", models->str, w)
             + text_height (page, FONT " 6.5", origin, w) + 6;
  double top = page->height - page->margin + 18 - h;
  draw_rule (page, top - 4, RULE, 0.6);
  double y = top;
  y += draw_text (page, FONT " Bold 6.5", title, page->margin, y, w, PANGO_ALIGN_LEFT, GREY);
  y += draw_text (page, MONO " 6", models->str, page->margin, y, w, PANGO_ALIGN_LEFT, GREY);
  draw_text (page, FONT " 6.5", origin, page->margin, y + 6, w, PANGO_ALIGN_LEFT, GREY);
  return top - 8;
}

/* One table row: @cells[i] drawn in column i (x offsets @xs, widths @ws); returns the row
 * height. A swatch of @swatch (>= 0) goes before the first cell. */
static double
draw_row (DrReportPage *page, double y, const char *font, const char *const *cells,
          const double *xs, const double *ws, const PangoAlignment *aligns, guint n, int swatch)
{
  double h = 0;
  for (guint i = 0; i < n; i++)
    {
      double x = page->margin + xs[i], cw = ws[i];
      if (i == 0 && swatch >= 0)
        {
          draw_swatch (page, (DrDamage) swatch, x, y + 2, 8);
          x += 12;
          cw -= 12;
        }
      h = MAX (h, draw_text (page, font, cells[i], x, y, cw, aligns[i], BLACK));
    }
  return h + 4;
}

/* A section title with a rule under it; returns the height used. */
static double
draw_section (DrReportPage *page, const char *title, double y)
{
  double h = draw_text (page, FONT " Bold 11", title, page->margin, y,
                        page->width - 2 * page->margin, PANGO_ALIGN_LEFT, BLACK);
  draw_rule (page, y + h + 2, BLACK, 0.8);
  return h + 8;
}

/* Label-value pairs in two columns, the value of pair @mono (-1: none) in a fixed-width
 * font; returns the height used. */
static double
draw_fields (DrReportPage *page, double y, const char *const *pairs, int mono)
{
  double w = page->width - 2 * page->margin, y0 = y;
  for (guint i = 0; pairs[i] != NULL; i += 2)
    {
      double h = draw_text (page, FONT " Bold 9", pairs[i], page->margin, y, 130,
                            PANGO_ALIGN_LEFT, GREY);
      const char *font = (int) i / 2 == mono ? MONO " 8" : FONT " 9";
      h = MAX (h, draw_text (page, font, pairs[i + 1], page->margin + 135, y, w - 135,
                             PANGO_ALIGN_LEFT, BLACK));
      y += h + 3;
    }
  return y - y0;
}

/* @n with its digits grouped by threes with commas ("7,282,443"), as insurers' forms and
 * both English and Korean write amounts. */
static char *
format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  gsize len = strlen (digits);
  GString *out = g_string_sized_new (len + len / 3);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* Formats an amount of money, rounded to a whole unit, with the options' currency. */
static char *
format_money (const DrReportOptions *options, double amount)
{
  g_autofree char *count = format_count ((guint64) MAX (amount + 0.5, 0));
  return g_strdup_printf ("%s %s", count, options->currency ? options->currency : "");
}

/* Per damage type over the claim: photos affected, area, summed % of photo, reviewed masks. */
typedef struct {
  guint affected[DR_N_DAMAGE];
  guint64 area[DR_N_DAMAGE];
  double percent_sum[DR_N_DAMAGE];   /* Σ over photos of 100 × area / photo pixels */
  double percent_unreviewed[DR_N_DAMAGE]; /* the part of percent_sum without a verdict */
  guint with_mask[DR_N_DAMAGE];
  guint reviewed_masks[DR_N_DAMAGE];
  guint64 pixels;                    /* Σ photo pixels */
  guint fully_reviewed;              /* photos with a verdict on all four types */
  gint64 first_added, last_added, first_verdict, last_verdict;
  GPtrArray *reviewers;              /* distinct authors of verdicts, in order of first use */
} ClaimTotals;

/* Adds up @claim's photos into @t (reviewers must be freed by the caller). */
static void
claim_totals (const DrReportClaim *claim, ClaimTotals *t)
{
  *t = (ClaimTotals) { 0 };
  t->first_added = t->first_verdict = G_MAXINT64;
  t->reviewers = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < claim->photos->len; i++)
    {
      const DrReportPhoto *photo = claim->photos->pdata[i];
      guint64 pixels = (guint64) photo->item->width * photo->item->height;
      t->pixels += pixels;
      t->first_added = MIN (t->first_added, photo->added);
      t->last_added = MAX (t->last_added, photo->added);
      guint reviewed = 0;
      for (int d = 0; d < DR_N_DAMAGE; d++)
        {
          guint64 area = dr_report_photo_area (photo, d);
          gboolean is_reviewed = dr_report_photo_is_reviewed (photo, d);
          reviewed += is_reviewed;
          if (area > 0)
            {
              t->affected[d]++;
              t->area[d] += area;
              double percent = pixels ? 100.0 * (double) area / (double) pixels : 0;
              t->percent_sum[d] += percent;
              if (!is_reviewed)
                t->percent_unreviewed[d] += percent;
            }
          if (area > 0 || is_reviewed)
            {
              t->with_mask[d]++;
              t->reviewed_masks[d] += is_reviewed;
            }
          const DrReview *review = photo->review[d];
          if (!is_reviewed)
            continue;
          t->first_verdict = MIN (t->first_verdict, review->created);
          t->last_verdict = MAX (t->last_verdict, review->created);
          if (!g_ptr_array_find_with_equal_func (t->reviewers, review->author, g_str_equal,
                                                 NULL))
            g_ptr_array_add (t->reviewers, g_strdup (review->author));
        }
      t->fully_reviewed += reviewed == DR_N_DAMAGE;
    }
}

/* "FIRST – LAST", or one date when they are the same minute. */
static char *
format_range (gint64 first, gint64 last)
{
  g_autofree char *a = dr_report_format_time (first);
  g_autofree char *b = dr_report_format_time (last);
  return g_strcmp0 (a, b) == 0 ? g_strdup (a) : g_strdup_printf ("%s – %s", a, b);
}

/* The horizontal bar chart of each type's share of the claim's photo area. */
static double
draw_chart (DrReportPage *page, double y, const ClaimTotals *t)
{
  double w = page->width - 2 * page->margin, y0 = y;
  double label_w = 90, value_w = 70, bar_w = w - label_w - value_w - 10;
  double max = 0;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    max = MAX (max, t->pixels ? (double) t->area[d] / (double) t->pixels : 0);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      double share = t->pixels ? (double) t->area[d] / (double) t->pixels : 0;
      draw_text (page, FONT " 9", dr_damage_get_display_name ((DrDamage) d), page->margin, y,
                 label_w, PANGO_ALIGN_LEFT, BLACK);
      double len = max > 0 ? bar_w * share / max : 0;
      cairo_rectangle (page->cr, page->margin + label_w, y + 1, MAX (len, 0.5), 11);
      set_rgb (page->cr, dr_damage_get_rgb ((DrDamage) d), 1.0);
      cairo_fill (page->cr);
      g_autofree char *value = g_strdup_printf ("%.2f %%", 100.0 * share);
      draw_text (page, FONT " 9", value, page->margin + label_w + len + 6, y, value_w,
                 PANGO_ALIGN_LEFT, BLACK);
      y += 17;
    }
  set_rgb (page->cr, GREY, 1.0);
  cairo_set_line_width (page->cr, 0.6);
  cairo_move_to (page->cr, page->margin + label_w, y0 - 2);
  cairo_line_to (page->cr, page->margin + label_w, y - 4);
  cairo_stroke (page->cr);
  return y - y0;
}

/* The repair-cost estimate, or a line saying why there is none; returns the height used. */
static double
draw_estimate (DrReportPage *page, double y, const ClaimTotals *t)
{
  const DrReportOptions *o = page->options;
  double w = page->width - 2 * page->margin, y0 = y;
  gboolean priced = FALSE;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    priced |= o->prices[d] > 0;
  if (!priced)
    return draw_text (page, FONT " 9",
                      _("No repair prices are set in Preferences, so no cost estimate is "
                        "given."), page->margin, y, w, PANGO_ALIGN_LEFT, GREY);
  const double xs[] = { 0, w * 0.28, w * 0.55, w * 0.76 };
  const double ws[] = { w * 0.27, w * 0.25, w * 0.19, w * 0.24 };
  const PangoAlignment al[] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT,
                                PANGO_ALIGN_RIGHT };
  const char *head[] = { _("Damage type"), _("Price per percent of photo area"),
                         _("Sum of percent of photo area"), _("Estimate") };
  y += draw_row (page, y, FONT " Bold 8.5", head, xs, ws, al, 4, -1);
  double total = 0, unreviewed = 0;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      double cost = o->prices[d] * t->percent_sum[d];
      total += cost;
      unreviewed += o->prices[d] * t->percent_unreviewed[d];
      g_autofree char *price = o->prices[d] > 0 ? format_money (o, o->prices[d])
                                                : g_strdup (_("not priced"));
      g_autofree char *percent = g_strdup_printf ("%.2f", t->percent_sum[d]);
      g_autofree char *amount = format_money (o, cost);
      const char *cells[] = { dr_damage_get_display_name ((DrDamage) d), price, percent, amount };
      y += draw_row (page, y, FONT " 9", cells, xs, ws, al, 4, d);
    }
  draw_rule (page, y, GREY, 0.5);
  y += 3;
  g_autofree char *sum = format_money (o, total);
  const char *cells[] = { _("Total estimate"), "", "", sum };
  y += draw_row (page, y, FONT " Bold 9", cells, xs, ws, al, 4, -1);
  if (unreviewed > 0)
    {
      g_autofree char *part = format_money (o, unreviewed);
      /* TRANSLATORS: claim report, under the repair-cost estimate; %s is an amount. */
      g_autofree char *line = g_strdup_printf (_("Of this total, %s comes from model "
                                                 "predictions that no reviewer has checked."),
                                               part);
      y += draw_text (page, FONT " Bold 8.5", line, page->margin, y + 2, w, PANGO_ALIGN_LEFT,
                      BLACK) + 2;
    }
  y += draw_text (page, FONT " Italic 8",
                  _("This is an estimate, not a repair quote: for each photo and damage type, "
                    "the price per percent of photo area times the percent of the photo the "
                    "final mask covers, summed over the claim's photos, with the prices set "
                    "in the application's preferences (table above)."),
                  page->margin, y + 2, w, PANGO_ALIGN_LEFT, GREY) + 2;
  return y - y0;
}

/* See header. */
void
dr_report_draw_summary (DrReportPage *page, const DrReportClaim *claim)
{
  double w = page->width - 2 * page->margin;
  double y = draw_header (page, claim);
  double bottom = draw_footer (page, claim);
  ClaimTotals t;
  claim_totals (claim, &t);

  y += draw_text (page, FONT " Bold 20", _("Damage Claim Report"), page->margin, y, w,
                  PANGO_ALIGN_LEFT, BLACK) + 2;
  y += draw_text (page, FONT " 14", claim->name, page->margin, y, w, PANGO_ALIGN_LEFT, GREY)
       + 14;

  g_autofree char *n_photos = g_strdup_printf ("%u", claim->photos->len);
  g_autofree char *added = format_range (t.first_added, t.last_added);
  g_autofree char *verdicts = t.reviewers->len ? format_range (t.first_verdict, t.last_verdict)
                                               : g_strdup (_("none yet"));
  g_ptr_array_add (t.reviewers, NULL);
  g_autofree char *reviewers = t.reviewers->len > 1
    ? g_strjoinv (", ", (char **) t.reviewers->pdata) : g_strdup (_("none yet"));
  g_autofree char *status = g_strdup_printf (
    /* TRANSLATORS: claim report; photos with a verdict on all four damage types, of all. */
    g_dngettext (GETTEXT_PACKAGE, "%u of %u photo reviewed on all four damage types",
                 "%u of %u photos reviewed on all four damage types", claim->photos->len),
    t.fully_reviewed, claim->photos->len);
  const char *fields[] = {
    _("Claim"), claim->name,
    _("Project"), page->project_name,
    _("Photos"), n_photos,
    _("Photos added"), added,
    _("Verdicts given"), verdicts,
    _("Reviewers"), reviewers,
    _("Review status"), status,
    _("Report generated"), page->generated,
    NULL,
  };
  y += draw_fields (page, y, fields, -1) + 14;

  y += draw_section (page, _("Damage found"), y);
  const double xs[] = { 0, w * 0.25, w * 0.42, w * 0.62, w * 0.80 };
  const double ws[] = { w * 0.24, w * 0.16, w * 0.19, w * 0.17, w * 0.20 };
  const PangoAlignment al[] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT,
                                PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT };
  const char *head[] = { _("Damage type"), _("Photos affected"), _("Total area (px)"),
                         _("Share of photo area"), _("Masks reviewed") };
  y += draw_row (page, y, FONT " Bold 8.5", head, xs, ws, al, 5, -1);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      g_autofree char *affected = g_strdup_printf ("%u", t.affected[d]);
      g_autofree char *area = format_count (t.area[d]);
      g_autofree char *share = g_strdup_printf ("%.2f %%", t.pixels ? 100.0 * (double) t.area[d]
                                                                      / (double) t.pixels : 0);
      /* TRANSLATORS: claim report: reviewed masks of all masks of one damage type. */
      g_autofree char *reviewed = g_strdup_printf (_("%u of %u"), t.reviewed_masks[d],
                                                   t.with_mask[d]);
      const char *cells[] = { dr_damage_get_display_name ((DrDamage) d), affected, area, share,
                              reviewed };
      y += draw_row (page, y, FONT " 9", cells, xs, ws, al, 5, d);
    }
  y += draw_text (page, FONT " Italic 8",
                  _("Share of photo area: the masks' pixels over all the claim's photo "
                    "pixels. A mask counts as reviewed once a reviewer gave it a verdict."),
                  page->margin, y + 2, w, PANGO_ALIGN_LEFT, GREY) + 12;

  y += draw_section (page, _("Area per damage type"), y);
  y += draw_chart (page, y, &t) + 12;

  y += draw_section (page, _("Repair-cost estimate"), y);
  y += draw_estimate (page, y, &t) + 14;

  const char *how = _("Each photo page shows the final masks over the photo. A mask marked "
                      "“Reviewed” was checked by the named reviewer, with the verdict given. "
                      "A mask marked “Model prediction, not reviewed” is the model's output "
                      "that no one has checked: it is not a finding.");
  if (y + text_height (page, FONT " 8.5", how, w) + 24 < bottom)
    {
      y += draw_section (page, _("How to read this report"), y);
      draw_text (page, FONT " 8.5", how, page->margin, y, w, PANGO_ALIGN_LEFT, BLACK);
    }
  g_ptr_array_unref (t.reviewers);
}

/* The status of one layer, as the photo page states it. */
static char *
layer_status (const DrReportPhoto *photo, DrDamage d)
{
  if (dr_report_photo_is_reviewed (photo, d))
    {
      const char *verdict = "";
      switch (photo->review[d]->verdict)
        {
        case DR_VERDICT_ACCEPTED: verdict = _("Accepted as predicted"); break;
        case DR_VERDICT_CORRECTED: verdict = _("Corrected"); break;
        case DR_VERDICT_REJECTED: verdict = _("Rejected: false positive"); break;
        case DR_VERDICT_ADDED: verdict = _("Added: model missed it"); break;
        case DR_VERDICT_NONE: verdict = _("Confirmed: no damage"); break;
        case DR_VERDICT_UNREVIEWED: default: break;
        }
      /* TRANSLATORS: claim report, status of a mask; %s is the verdict. */
      return g_strdup_printf (_("Reviewed: %s"), verdict);
    }
  if (photo->edited[d])
    return g_strdup (_("Edited, not reviewed"));
  if (photo->predicted[d])
    return g_strdup (_("Model prediction, not reviewed"));
  return g_strdup (_("No model result, not reviewed"));
}

/* The photo fitted into the box (@x, @y, @bw × @bh), centred horizontally, with the overlay;
 * returns the height used. */
static double
draw_picture (DrReportPage *page, const DrReportPhoto *photo, cairo_surface_t *surface,
              double x, double y, double bw, double bh)
{
  int sw = cairo_image_surface_get_width (surface), sh = cairo_image_surface_get_height (surface);
  double scale = MIN (bw / sw, bh / sh);
  double dw = sw * scale, dh = sh * scale, dx = x + (bw - dw) / 2;
  cairo_t *cr = page->cr;
  cairo_save (cr);
  cairo_translate (cr, dx, y);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  /* Masks at most MASK_MAX_SIDE pixels long, stretched over the photo. */
  double mask_scale = MIN (1.0, (double) MASK_MAX_SIDE / MAX (sw, sh));
  int mw = MAX (1, (int) (sw * mask_scale + 0.5)), mh = MAX (1, (int) (sh * mask_scale + 0.5));
  cairo_scale (cr, (double) sw / mw, (double) sh / mh);
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      if (photo->item->mask[d] == NULL)
        continue;
      cairo_surface_t *mask = dr_report_mask_surface (photo->item->mask[d], mw, mh);
      set_rgb (cr, dr_damage_get_rgb ((DrDamage) d), 1.0);
      cairo_mask_surface (cr, mask, 0, 0);
      cairo_surface_destroy (mask);
    }
  cairo_restore (cr);
  cairo_rectangle (cr, dx, y, dw, dh);
  set_rgb (cr, GREY, 1.0);
  cairo_set_line_width (cr, 0.5);
  cairo_stroke (cr);
  return dh;
}

/* See header. */
void
dr_report_draw_photo (DrReportPage *page, const DrReportClaim *claim, guint index,
                      cairo_surface_t *surface)
{
  const DrReportPhoto *photo = claim->photos->pdata[index];
  const DrExportItem *item = photo->item;
  double w = page->width - 2 * page->margin;
  double y = draw_header (page, claim);
  double bottom = draw_footer (page, claim);
  g_autofree char *name = g_path_get_basename (item->path);

  /* TRANSLATORS: claim report, title of a photo page: photo number, count, file name. */
  g_autofree char *title = g_strdup_printf (_("Photo %u of %u: %s"), index + 1,
                                            claim->photos->len, name);
  y += draw_text (page, FONT " Bold 13", title, page->margin, y, w, PANGO_ALIGN_LEFT, BLACK) + 8;
  y += draw_picture (page, photo, surface, page->margin, y, w, page->height * 0.42) + 3;
  y += draw_text (page, FONT " Italic 7.5",
                  _("The final masks are drawn over the photo, outlined and semi-transparent, "
                    "in the colours of the table below; an empty layer (no damage found, or "
                    "rejected) is not drawn."),
                  page->margin, y, w, PANGO_ALIGN_LEFT, GREY) + 8;

  const double xs[] = { 0, w * 0.17, w * 0.31, w * 0.42, w * 0.74 };
  const double ws[] = { w * 0.16, w * 0.13, w * 0.10, w * 0.31, w * 0.26 };
  const PangoAlignment al[] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT,
                                PANGO_ALIGN_LEFT, PANGO_ALIGN_LEFT };
  const char *head[] = { _("Damage type"), _("Area (px)"), _("Of photo"), _("Status"),
                         _("Verdict by, on") };
  y += draw_row (page, y, FONT " Bold 8.5", head, xs, ws, al, 5, -1);
  draw_rule (page, y - 2, RULE, 0.5);
  guint64 pixels = (guint64) item->width * item->height;
  for (int d = 0; d < DR_N_DAMAGE; d++)
    {
      guint64 area = dr_report_photo_area (photo, d);
      g_autofree char *area_text = format_count (area);
      g_autofree char *percent = g_strdup_printf ("%.2f %%", pixels ? 100.0 * (double) area
                                                                    / (double) pixels : 0);
      g_autofree char *status = layer_status (photo, d);
      g_autofree char *when = photo->review[d] ? dr_report_format_time (photo->review[d]->created)
                                               : NULL;
      g_autofree char *by = dr_report_photo_is_reviewed (photo, d)
        ? g_strdup_printf ("%s, %s", photo->review[d]->author, when) : g_strdup ("—");
      const char *cells[] = { dr_damage_get_display_name ((DrDamage) d), area_text, percent,
                              status, by };
      y += draw_row (page, y, FONT " 8.5", cells, xs, ws, al, 5, d);
    }
  y += 10;

  g_autofree char *size = g_strdup_printf ("%u × %u px", item->width, item->height);
  g_autofree char *added = dr_report_format_time (photo->added);
  const char *fields[] = {
    _("Note"), item->note ? item->note : _("No note."),
    _("File"), name,
    _("SHA-256"), item->sha256 ? item->sha256 : "?",
    _("Size"), size,
    _("Added"), added,
    NULL,
  };
  /* A very long note is cut at the footer rather than drawn over it. */
  cairo_save (page->cr);
  cairo_rectangle (page->cr, 0, y, page->width, MAX (bottom - y, 0));
  cairo_clip (page->cr);
  draw_fields (page, y, fields, 2);
  cairo_restore (page->cr);
}
