/* dr-report.c — writes the claim report: paper, the PDF surface, page order, progress,
 * cancelling, and putting the finished file in place. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <langinfo.h>
#include <cairo-pdf.h>
#include <unistd.h>

#include "dr-report-private.h"

/* Longest side of a photo as stored in the PDF, and its JPEG quality: about 150 dpi for a
 * photo printed 17 cm wide, some 100–200 KB per photo. */
#define PHOTO_MAX_SIDE 1000
#define PHOTO_QUALITY 75

/* Paper sizes in points (1/72 in). */
#define A4_WIDTH 595.276
#define A4_HEIGHT 841.890
#define LETTER_WIDTH 612.0
#define LETTER_HEIGHT 792.0

/* See header. glibc's LC_PAPER gives the width in millimetres: 216 for US Letter. */
DrReportPaper
dr_report_paper_default (void)
{
#ifdef _NL_PAPER_WIDTH
  int width = (int) (gintptr) nl_langinfo (_NL_PAPER_WIDTH);
  if (width == 216)
    return DR_REPORT_PAPER_LETTER;
#endif
  return DR_REPORT_PAPER_A4;
}

/* See header. */
gboolean
dr_report_paper_from_string (const char *text, DrReportPaper *paper)
{
  if (g_ascii_strcasecmp (text, "a4") == 0)
    *paper = DR_REPORT_PAPER_A4;
  else if (g_ascii_strcasecmp (text, "letter") == 0)
    *paper = DR_REPORT_PAPER_LETTER;
  else
    return FALSE;
  return TRUE;
}

/* Sets @error from a cairo status, naming @path. */
static void
set_cairo_error (GError **error, const char *path, cairo_status_t status)
{
  g_set_error (error, G_IO_ERROR, status == CAIRO_STATUS_WRITE_ERROR ? G_IO_ERROR_FAILED
                                                                      : G_IO_ERROR_NO_SPACE,
               /* TRANSLATORS: claim report error: the PDF file, then cairo's reason. */
               _("%s: the PDF could not be written: %s"), path, cairo_status_to_string (status));
}

/* The state of one report being written. */
typedef struct {
  DrReportPage page;
  cairo_surface_t *surface;
  DrProgressFunc progress;
  gpointer user_data;
  GCancellable *cancellable;
} Writer;

/* Ends the current page, reports progress, and checks for a cancel. */
static gboolean
finish_page (Writer *w, GError **error)
{
  cairo_show_page (w->page.cr);
  cairo_status_t status = cairo_status (w->page.cr);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      set_cairo_error (error, "PDF", status);
      return FALSE;
    }
  if (w->progress != NULL)
    w->progress (w->page.page, w->page.n_pages, w->user_data);
  w->page.page++;
  return !g_cancellable_set_error_if_cancelled (w->cancellable, error);
}

/* Draws every page of @claims; the PDF outline gets one entry per claim and per photo. */
static gboolean
write_pages (Writer *w, GPtrArray *claims, GError **error)
{
  for (guint c = 0; c < claims->len; c++)
    {
      const DrReportClaim *claim = claims->pdata[c];
      g_autofree char *dest = g_strdup_printf ("page=%u", w->page.page);
      int parent = cairo_pdf_surface_add_outline (w->surface, CAIRO_PDF_OUTLINE_ROOT,
                                                  claim->name, dest,
                                                  CAIRO_PDF_OUTLINE_FLAG_OPEN);
      dr_report_draw_summary (&w->page, claim);
      if (!finish_page (w, error))
        return FALSE;
      for (guint i = 0; i < claim->photos->len; i++)
        {
          const DrReportPhoto *photo = claim->photos->pdata[i];
          cairo_surface_t *picture = dr_report_photo_surface (photo->item->path, PHOTO_MAX_SIDE,
                                                              PHOTO_QUALITY, error);
          if (picture == NULL)
            return FALSE;
          g_autofree char *name = g_path_get_basename (photo->item->path);
          g_autofree char *photo_dest = g_strdup_printf ("page=%u", w->page.page);
          cairo_pdf_surface_add_outline (w->surface, parent, name, photo_dest, 0);
          dr_report_draw_photo (&w->page, claim, i, picture);
          cairo_surface_destroy (picture);
          if (!finish_page (w, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Draws the report of @claims into the PDF file @tmp_path. */
static gboolean
write_pdf (const char *tmp_path, const char *project_path, GPtrArray *claims,
           const DrReportOptions *options, DrProgressFunc progress, gpointer user_data,
           GCancellable *cancellable, GError **error)
{
  gboolean letter = options->paper == DR_REPORT_PAPER_LETTER;
  Writer w = { 0 };
  w.page.width = letter ? LETTER_WIDTH : A4_WIDTH;
  w.page.height = letter ? LETTER_HEIGHT : A4_HEIGHT;
  w.page.margin = 48;
  w.page.options = options;
  g_autofree char *project_name = g_path_get_basename (project_path);
  w.page.project_name = project_name;
  w.page.generated = dr_report_format_time (g_get_real_time ());
  w.page.page = 1;
  for (guint c = 0; c < claims->len; c++)
    w.page.n_pages += 1 + ((DrReportClaim *) claims->pdata[c])->photos->len;
  w.progress = progress;
  w.user_data = user_data;
  w.cancellable = cancellable;

  w.surface = cairo_pdf_surface_create (tmp_path, w.page.width, w.page.height);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *iso = g_date_time_format_iso8601 (now);
  cairo_pdf_surface_set_metadata (w.surface, CAIRO_PDF_METADATA_TITLE, _("Damage Claim Report"));
  cairo_pdf_surface_set_metadata (w.surface, CAIRO_PDF_METADATA_CREATOR,
                                  "Damage Review " PACKAGE_VERSION);
  cairo_pdf_surface_set_metadata (w.surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
  w.page.cr = cairo_create (w.surface);

  /* A font map of our own, so the writer shares no Pango state with the thread that calls
   * it; metrics unhinted, at 72 dpi, so text is laid out in points as on paper. */
  PangoFontMap *fonts = pango_cairo_font_map_new ();
  w.page.pango = pango_font_map_create_context (fonts);
  pango_cairo_context_set_resolution (w.page.pango, 72);
  cairo_font_options_t *font_options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (w.page.pango, font_options);
  cairo_font_options_destroy (font_options);
  pango_cairo_update_context (w.page.cr, w.page.pango);

  gboolean ok = write_pages (&w, claims, error);
  cairo_destroy (w.page.cr);
  cairo_surface_finish (w.surface);
  cairo_status_t status = cairo_surface_status (w.surface);
  cairo_surface_destroy (w.surface);
  g_object_unref (w.page.pango);
  g_object_unref (fonts);
  g_free (w.page.generated);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      set_cairo_error (error, tmp_path, status);
      ok = FALSE;
    }
  return ok;
}

/* See header. */
gboolean
dr_report_write (const char *project_path, const char *out_pdf, const DrReportOptions *options,
                 DrProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                 DrReportSummary *summary, GError **error)
{
  g_return_val_if_fail (project_path != NULL && out_pdf != NULL && options != NULL, FALSE);
  g_autoptr (DrProject) project = dr_project_open (project_path, DR_PROJECT_OPEN_EXISTING,
                                                   error);
  if (project == NULL)
    return FALSE;
  g_autoptr (GPtrArray) claims = dr_report_load_claims (project, options->claims, error);
  if (claims == NULL)
    return FALSE;
  g_clear_object (&project);

  g_autofree char *tmp_path = g_strconcat (out_pdf, ".partial-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp_path, O_WRONLY, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", out_pdf,
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);
  if (!write_pdf (tmp_path, project_path, claims, options, progress, user_data, cancellable,
                  error))
    {
      g_unlink (tmp_path);
      return FALSE;
    }
  if (g_rename (tmp_path, out_pdf) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", out_pdf,
                   g_strerror (saved));
      g_unlink (tmp_path);
      return FALSE;
    }
  if (summary != NULL)
    {
      *summary = (DrReportSummary) { claims->len, 0, 0 };
      for (guint c = 0; c < claims->len; c++)
        summary->n_photos += ((DrReportClaim *) claims->pdata[c])->photos->len;
      summary->n_pages = claims->len + summary->n_photos;
    }
  return TRUE;
}
