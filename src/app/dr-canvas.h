/* dr-canvas.h — the photo with its four damage overlays; zoom and pan.
 *
 * A GtkScrollable: put it in a GtkScrolledWindow for scroll bars. The photo is one texture
 * uploaded once per photo; overlays are DrOverlay textures built once per mask change;
 * toggles, solo, opacity and outline mode only change how they are drawn. Under the cairo
 * (software) renderer, textures from dr_canvas_texture_new are drawn from their own memory
 * instead, since GTK 4.8 would convert them pixel by pixel on every frame. */
#pragma once

#include <gtk/gtk.h>

#include "dr-damage-style.h"
#include "dr-overlay.h"

G_BEGIN_DECLS

#define DR_TYPE_CANVAS (dr_canvas_get_type ())
G_DECLARE_FINAL_TYPE (DrCanvas, dr_canvas, DR, CANVAS, GtkWidget)

typedef struct _DrEditTool DrEditTool;

GtkWidget  *dr_canvas_new                (void);

/* Wraps width×height pixels in GDK_MEMORY_DEFAULT layout (cairo's ARGB32, premultiplied),
 * stride bytes per row (a multiple of 4), as a texture the canvas can also paint straight
 * from memory. GTK 4.8's software (cairo) renderer otherwise converts every texture pixel
 * by pixel through floats on every frame it draws it. Thread-safe. */
GdkTexture *dr_canvas_texture_new        (int width, int height, GBytes *pixels, gsize stride);

/* Inside the canvas's snapshot, in photo coordinates: appends texture stretched over bounds,
 * painted straight from memory under the cairo renderer when it comes from
 * dr_canvas_texture_new. For layers drawn on the canvas by others (the edited mask). */
void        dr_canvas_append_texture     (DrCanvas *self, GtkSnapshot *snapshot,
                                          GdkTexture *texture, const graphene_rect_t *bounds);

void        dr_canvas_set_photo          (DrCanvas *self, GdkTexture *photo);
GdkTexture *dr_canvas_get_photo          (DrCanvas *self);
void        dr_canvas_set_overlay        (DrCanvas *self, guint damage, DrOverlay *overlay);
DrOverlay  *dr_canvas_get_overlay        (DrCanvas *self, guint damage);
void        dr_canvas_clear_overlays     (DrCanvas *self);

void        dr_canvas_set_overlay_visible (DrCanvas *self, guint damage, gboolean visible);
gboolean    dr_canvas_get_overlay_visible (DrCanvas *self, guint damage);
void        dr_canvas_set_opacity        (DrCanvas *self, double opacity);
double      dr_canvas_get_opacity        (DrCanvas *self);
void        dr_canvas_set_outline        (DrCanvas *self, gboolean outline);

void        dr_canvas_zoom_fit           (DrCanvas *self);
void        dr_canvas_zoom_to            (DrCanvas *self, double scale);
void        dr_canvas_zoom_by            (DrCanvas *self, double factor);
double      dr_canvas_get_scale          (DrCanvas *self);

/* Mask editing (dr-edit-tool.h): the canvas draws the editor's layer instead of its own
 * overlay where the editor owns it, and the editor's cursor and polygon on top (NULL: none). */
void        dr_canvas_set_editor         (DrCanvas *self, DrEditTool *editor);
/* Photo coordinates (photo pixels, fractional) of a point in widget coordinates. */
void        dr_canvas_widget_to_photo    (DrCanvas *self, double wx, double wy,
                                          double *x, double *y);
/* Whether a pan drag is armed (Space held) or running: tools leave the pointer alone. */
gboolean    dr_canvas_is_panning         (DrCanvas *self);

G_END_DECLS
