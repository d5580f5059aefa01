/* dr-canvas.c — draws the photo texture and overlay textures under a zoom/pan transform.
 *
 * Coordinates: "content" space is the photo scaled by `scale`; the adjustments' values are
 * the content coordinates of the viewport's top-left corner. When the content is smaller
 * than the viewport it is centred instead. All drawing is textures under one transform, so
 * a frame costs the same for a 0.3 MP and a 12 MP photo. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dr-canvas.h"
#include "dr-edit-tool.h"

#define MAX_SCALE 32.0

struct _DrCanvas
{
  GtkWidget parent_instance;

  GdkTexture *photo;
  int img_w, img_h;
  DrOverlay *overlay[DR_N_DAMAGE_TYPES];
  gboolean visible[DR_N_DAMAGE_TYPES];
  double opacity;
  gboolean outline;

  double scale;                     /* content pixels per photo pixel */
  gboolean fit;                     /* scale follows the viewport */
  GtkAdjustment *hadj, *vadj;
  GtkScrollablePolicy hpolicy, vpolicy;

  double pointer_x, pointer_y;      /* last pointer position in widget coordinates */
  gboolean pointer_inside;
  gboolean space_held;
  gboolean panning;
  double pan_start_h, pan_start_v;  /* adjustment values when a pan began */
  double pinch_start_scale;
  GtkEventController *root_keys;    /* Space tracking on the toplevel, see root() */
  DrEditTool *editor;               /* mask editing, or NULL */
};

enum {
  PROP_0,
  PROP_OPACITY,
  PROP_OUTLINE,
  PROP_SCALE,
  PROP_FIT,
  N_PROPS,
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (DrCanvas, dr_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

/* Scale at which the whole photo fits the viewport (1 when there is nothing to fit). */
static double
fit_scale (DrCanvas *self)
{
  int vw = gtk_widget_get_width (GTK_WIDGET (self));
  int vh = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->photo == NULL || vw <= 0 || vh <= 0)
    return 1.0;
  return MIN ((double) vw / self->img_w, (double) vh / self->img_h);
}

/* Screen position of the photo's top-left corner, in widget coordinates, on whole pixels so
 * that at 100 % every photo pixel is exactly one screen pixel. */
static void
get_origin (DrCanvas *self, double *ox, double *oy)
{
  double vw = gtk_widget_get_width (GTK_WIDGET (self));
  double vh = gtk_widget_get_height (GTK_WIDGET (self));
  double cw = self->img_w * self->scale, ch = self->img_h * self->scale;
  *ox = round (cw <= vw ? (vw - cw) / 2 : -gtk_adjustment_get_value (self->hadj));
  *oy = round (ch <= vh ? (vh - ch) / 2 : -gtk_adjustment_get_value (self->vadj));
}


/* Whether the window draws with GSK's cairo renderer (software rendering). */
static gboolean
renders_with_cairo (DrCanvas *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;
  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

/* Key of the level-@level reduction of a texture's cairo surface (level 0: the surface). */
static GQuark
level_quark (int level)
{
  static const char *const names[] = {
    "dr-canvas-surface", "dr-canvas-level-1", "dr-canvas-level-2", "dr-canvas-level-3",
    "dr-canvas-level-4", "dr-canvas-level-5", "dr-canvas-level-6",
  };
  return g_quark_from_static_string (names[level]);
}

/* Deepest reduction: 1/64 of each side. */
#define MAX_LEVEL 6

/* The texture's cairo surface reduced 2^level times in each side (box-filtered by cairo),
 * made on first use and kept with the texture. */
static cairo_surface_t *
reduced_surface (GdkTexture *texture, cairo_surface_t *full, int level)
{
  cairo_surface_t *surface = g_object_get_qdata (G_OBJECT (texture), level_quark (level));
  if (surface != NULL)
    return surface;
  int w = MAX (1, gdk_texture_get_width (texture) >> level);
  int h = MAX (1, gdk_texture_get_height (texture) >> level);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, (double) w / gdk_texture_get_width (texture),
               (double) h / gdk_texture_get_height (texture));
  cairo_set_source_surface (cr, full, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_object_set_qdata_full (G_OBJECT (texture), level_quark (level), surface,
                           (GDestroyNotify) cairo_surface_destroy);
  return surface;
}

/* See header. Under the cairo renderer a texture made by dr_canvas_texture_new is painted
 * from its own memory into a cairo node covering only the part of bounds inside the viewport,
 * so each frame blits finished pixels; otherwise it is a texture node. Zoomed out below 50 %,
 * it is painted from a copy reduced by a power of two (made once), so a frame resamples about
 * as many pixels as it shows rather than the whole 12 MP photo. */
void
dr_canvas_append_texture (DrCanvas *self, GtkSnapshot *snapshot, GdkTexture *texture,
                          const graphene_rect_t *bounds)
{
  cairo_surface_t *surface = g_object_get_qdata (G_OBJECT (texture), level_quark (0));
  if (surface == NULL || !renders_with_cairo (self))
    {
      gtk_snapshot_append_texture (snapshot, texture, bounds);
      return;
    }
  double ox, oy;
  get_origin (self, &ox, &oy);
  graphene_rect_t view, part;
  graphene_rect_init (&view, (float) (-ox / self->scale), (float) (-oy / self->scale),
                      (float) (gtk_widget_get_width (GTK_WIDGET (self)) / self->scale),
                      (float) (gtk_widget_get_height (GTK_WIDGET (self)) / self->scale));
  if (!graphene_rect_intersection (bounds, &view, &part))
    return;
  double on_screen = self->scale * bounds->size.width / gdk_texture_get_width (texture);
  int level = 0;
  while (level < MAX_LEVEL && on_screen * (1 << (level + 1)) <= 1.0)
    level++;
  if (level > 0)
    surface = reduced_surface (texture, surface, level);
  /* The cairo node is made in device units, the photo-to-device scale applied inside it. */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, (float) (1 / self->scale), (float) (1 / self->scale));
  graphene_rect_t device;
  graphene_rect_scale (&part, (float) self->scale, (float) self->scale, &device);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &device);
  cairo_scale (cr, self->scale, self->scale);
  cairo_pattern_t *pattern = cairo_pattern_create_for_surface (surface);
  cairo_matrix_t matrix;
  cairo_matrix_init_scale (&matrix,
                           cairo_image_surface_get_width (surface) / bounds->size.width,
                           cairo_image_surface_get_height (surface) / bounds->size.height);
  cairo_matrix_translate (&matrix, -bounds->origin.x, -bounds->origin.y);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_set_source (cr, pattern);
  cairo_pattern_destroy (pattern);
  cairo_rectangle (cr, part.origin.x, part.origin.y, part.size.width, part.size.height);
  cairo_fill (cr);
  cairo_destroy (cr);
  gtk_snapshot_restore (snapshot);
}

/* Sets one adjustment's range to the content extent, keeping value inside it. */
static void
configure_adjustment (GtkAdjustment *adj, double content, double viewport, double value)
{
  double upper = MAX (content, viewport);
  value = CLAMP (value, 0, upper - viewport);
  gtk_adjustment_configure (adj, value, 0, upper, viewport * 0.1, viewport * 0.9, viewport);
}

/* Re-derives both adjustments from the current scale and viewport. */
static void
configure_adjustments (DrCanvas *self)
{
  double vw = gtk_widget_get_width (GTK_WIDGET (self));
  double vh = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->hadj)
    configure_adjustment (self->hadj, self->img_w * self->scale, vw,
                          gtk_adjustment_get_value (self->hadj));
  if (self->vadj)
    configure_adjustment (self->vadj, self->img_h * self->scale, vh,
                          gtk_adjustment_get_value (self->vadj));
}

/* Changes the scale keeping the photo point under (px, py) fixed on screen. */
static void
zoom_at (DrCanvas *self, double new_scale, double px, double py)
{
  if (self->photo == NULL)
    return;
  double lo = MIN (fit_scale (self), 1.0) / 4;
  new_scale = CLAMP (new_scale, lo, MAX_SCALE);
  double ox, oy;
  get_origin (self, &ox, &oy);
  double ix = (px - ox) / self->scale, iy = (py - oy) / self->scale;

  self->scale = new_scale;
  self->fit = FALSE;
  configure_adjustments (self);
  gtk_adjustment_set_value (self->hadj, ix * new_scale - px);
  gtk_adjustment_set_value (self->vadj, iy * new_scale - py);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
adjustment_value_changed_cb (GtkAdjustment *adj, DrCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Installs an adjustment (a fresh one when adj is NULL), following its value. */
static void
set_adjustment (DrCanvas *self, GtkAdjustment **slot, GtkAdjustment *adj)
{
  if (adj == NULL)
    adj = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adj)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed_cb, self);
      g_object_unref (*slot);
    }
  *slot = g_object_ref_sink (adj);
  g_signal_connect (adj, "value-changed", G_CALLBACK (adjustment_value_changed_cb), self);
  configure_adjustments (self);
}

static void
dr_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  DrCanvas *self = DR_CANVAS (widget);
  if (self->fit)
    {
      double s = fit_scale (self);
      if (s != self->scale)
        {
          self->scale = s;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
        }
    }
  configure_adjustments (self);
}

static void
dr_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DrCanvas *self = DR_CANVAS (widget);
  if (self->photo == NULL)
    return;
  int vw = gtk_widget_get_width (widget), vh = gtk_widget_get_height (widget);
  double ox, oy;
  get_origin (self, &ox, &oy);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, vw, vh));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) ox, (float) oy));
  gtk_snapshot_scale (snapshot, (float) self->scale, (float) self->scale);
  dr_canvas_append_texture (self, snapshot, self->photo,
                            &GRAPHENE_RECT_INIT (0, 0, self->img_w, self->img_h));
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      DrOverlay *ov = self->overlay[i];
      graphene_rect_t box;
      if (self->visible[i] && self->editor != NULL)
        {
          gtk_snapshot_push_opacity (snapshot, self->opacity);
          gboolean drawn = dr_edit_tool_snapshot_layer (self->editor, snapshot, i);
          gtk_snapshot_pop (snapshot);
          if (drawn)
            continue;
        }
      if (!self->visible[i] || ov == NULL || !dr_overlay_get_bounds (ov, &box))
        continue;
      GdkTexture *tex = self->outline ? dr_overlay_get_outline (ov) : dr_overlay_get_fill (ov);
      gtk_snapshot_push_opacity (snapshot, self->opacity);
      dr_canvas_append_texture (self, snapshot, tex, &box);
      gtk_snapshot_pop (snapshot);
    }
  if (self->editor != NULL)
    dr_edit_tool_snapshot_tool (self->editor, snapshot, self->scale);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
dr_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                   int *minimum, int *natural, int *min_baseline, int *nat_baseline)
{
  *minimum = 64;
  *natural = 400;
}

/* Wheel zooms (and Ctrl+scroll on a touchpad); plain touchpad scrolling is left to the
 * scrolled window so it pans. */
static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, DrCanvas *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;
  if (self->photo == NULL || (!(state & GDK_CONTROL_MASK) && !wheel) || dy == 0)
    return FALSE;
  double factor = wheel ? pow (1.25, -dy) : pow (1.01, -dy);
  zoom_at (self, self->scale * factor, self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, DrCanvas *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
}

static void
leave_cb (GtkEventControllerMotion *controller, DrCanvas *self)
{
  self->pointer_inside = FALSE;
}

static void
pinch_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, DrCanvas *self)
{
  self->pinch_start_scale = self->scale;
}

static void
pinch_scale_changed_cb (GtkGestureZoom *gesture, double delta, DrCanvas *self)
{
  double cx, cy;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    return;
  zoom_at (self, self->pinch_start_scale * delta, cx, cy);
}

/* Middle button, or primary button while Space is held, starts a pan; other buttons are
 * left for tools. */
static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, DrCanvas *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->photo == NULL || !(button == GDK_BUTTON_MIDDLE ||
                               (button == GDK_BUTTON_PRIMARY && self->space_held)))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->panning = TRUE;
  self->pan_start_h = gtk_adjustment_get_value (self->hadj);
  self->pan_start_v = gtk_adjustment_get_value (self->vadj);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, DrCanvas *self)
{
  if (!self->panning)
    return;
  gtk_adjustment_set_value (self->hadj, self->pan_start_h - dx);
  gtk_adjustment_set_value (self->vadj, self->pan_start_v - dy);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, DrCanvas *self)
{
  self->panning = FALSE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), self->space_held ? "grab" : NULL);
}

/* Space over the canvas arms panning (as in GIMP); it is swallowed only then, so Space
 * keeps working everywhere else in the window. */
static gboolean
root_key_pressed_cb (GtkEventControllerKey *keys, guint keyval, guint keycode,
                     GdkModifierType state, DrCanvas *self)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  if (keyval != GDK_KEY_space || !self->pointer_inside || self->photo == NULL ||
      GTK_IS_EDITABLE (focus))
    return FALSE;
  if (!self->space_held && !self->panning)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
  self->space_held = TRUE;
  return TRUE;
}

static void
root_key_released_cb (GtkEventControllerKey *keys, guint keyval, guint keycode,
                      GdkModifierType state, DrCanvas *self)
{
  if (keyval != GDK_KEY_space || !self->space_held)
    return;
  self->space_held = FALSE;
  if (!self->panning)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
}

static void
dr_canvas_root (GtkWidget *widget)
{
  DrCanvas *self = DR_CANVAS (widget);
  GTK_WIDGET_CLASS (dr_canvas_parent_class)->root (widget);
  self->root_keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (self->root_keys, GTK_PHASE_CAPTURE);
  g_signal_connect (self->root_keys, "key-pressed", G_CALLBACK (root_key_pressed_cb), self);
  g_signal_connect (self->root_keys, "key-released", G_CALLBACK (root_key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (gtk_widget_get_root (widget)), self->root_keys);
}

static void
dr_canvas_unroot (GtkWidget *widget)
{
  DrCanvas *self = DR_CANVAS (widget);
  if (self->root_keys != NULL)
    {
      gtk_widget_remove_controller (GTK_WIDGET (gtk_widget_get_root (widget)), self->root_keys);
      self->root_keys = NULL;
    }
  GTK_WIDGET_CLASS (dr_canvas_parent_class)->unroot (widget);
}

static void
dr_canvas_dispose (GObject *object)
{
  DrCanvas *self = DR_CANVAS (object);
  g_clear_object (&self->photo);
  g_clear_object (&self->editor);
  dr_canvas_clear_overlays (self);
  if (self->hadj)
    g_signal_handlers_disconnect_by_func (self->hadj, adjustment_value_changed_cb, self);
  if (self->vadj)
    g_signal_handlers_disconnect_by_func (self->vadj, adjustment_value_changed_cb, self);
  g_clear_object (&self->hadj);
  g_clear_object (&self->vadj);
  G_OBJECT_CLASS (dr_canvas_parent_class)->dispose (object);
}

static void
dr_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DrCanvas *self = DR_CANVAS (object);
  switch (prop_id)
    {
    case PROP_OPACITY: g_value_set_double (value, self->opacity); break;
    case PROP_OUTLINE: g_value_set_boolean (value, self->outline); break;
    case PROP_SCALE: g_value_set_double (value, self->scale); break;
    case PROP_FIT: g_value_set_boolean (value, self->fit); break;
    case PROP_HADJUSTMENT: g_value_set_object (value, self->hadj); break;
    case PROP_VADJUSTMENT: g_value_set_object (value, self->vadj); break;
    case PROP_HSCROLL_POLICY: g_value_set_enum (value, self->hpolicy); break;
    case PROP_VSCROLL_POLICY: g_value_set_enum (value, self->vpolicy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_canvas_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DrCanvas *self = DR_CANVAS (object);
  switch (prop_id)
    {
    case PROP_OPACITY: dr_canvas_set_opacity (self, g_value_get_double (value)); break;
    case PROP_OUTLINE: dr_canvas_set_outline (self, g_value_get_boolean (value)); break;
    case PROP_HADJUSTMENT: set_adjustment (self, &self->hadj, g_value_get_object (value)); break;
    case PROP_VADJUSTMENT: set_adjustment (self, &self->vadj, g_value_get_object (value)); break;
    case PROP_HSCROLL_POLICY: self->hpolicy = g_value_get_enum (value); break;
    case PROP_VSCROLL_POLICY: self->vpolicy = g_value_get_enum (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_canvas_class_init (DrCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dr_canvas_dispose;
  object_class->get_property = dr_canvas_get_property;
  object_class->set_property = dr_canvas_set_property;
  widget_class->snapshot = dr_canvas_snapshot;
  widget_class->measure = dr_canvas_measure;
  widget_class->size_allocate = dr_canvas_size_allocate;
  widget_class->root = dr_canvas_root;
  widget_class->unroot = dr_canvas_unroot;

  properties[PROP_OPACITY] =
    g_param_spec_double ("opacity", NULL, NULL, 0, 1, 0.5,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTLINE] =
    g_param_spec_boolean ("outline", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL, 0, MAX_SCALE, 1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "drcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dr_canvas_init (DrCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  self->opacity = 0.5;
  self->scale = 1.0;
  self->fit = TRUE;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    self->visible[i] = TRUE;
  set_adjustment (self, &self->hadj, NULL);
  set_adjustment (self, &self->vadj, NULL);
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);

  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, scroll);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, motion);

  GtkGesture *pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (pinch_scale_changed_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (pinch));

  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Photo with damage overlays"), -1);
}

static void
unref_bytes (void *data)
{
  g_bytes_unref (data);
}

/* See header. The cairo surface shares the texture's pixels and keeps them alive. */
GdkTexture *
dr_canvas_texture_new (int width, int height, GBytes *pixels, gsize stride)
{
  static const cairo_user_data_key_t bytes_key;
  g_return_val_if_fail (width > 0 && height > 0 && pixels != NULL, NULL);
  g_return_val_if_fail (stride >= (gsize) width * 4 && stride % 4 == 0, NULL);
  GdkTexture *texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, pixels,
                                                stride);
  cairo_surface_t *surface =
    cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (pixels, NULL),
                                         CAIRO_FORMAT_ARGB32, width, height, (int) stride);
  cairo_surface_set_user_data (surface, &bytes_key, g_bytes_ref (pixels), unref_bytes);
  g_object_set_qdata_full (G_OBJECT (texture), level_quark (0), surface,
                           (GDestroyNotify) cairo_surface_destroy);
  return texture;
}

/* Creates an empty canvas showing the whole photo once one is set. */
GtkWidget *
dr_canvas_new (void)
{
  return g_object_new (DR_TYPE_CANVAS, NULL);
}

/* Shows photo (may be NULL). A photo of the same size as the previous one keeps zoom and
 * pan; any other size goes back to fit. Overlays of another size stop being drawn. */
void
dr_canvas_set_photo (DrCanvas *self, GdkTexture *photo)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  if (self->photo == photo)
    return;
  int w = photo ? gdk_texture_get_width (photo) : 0;
  int h = photo ? gdk_texture_get_height (photo) : 0;
  gboolean same_size = w == self->img_w && h == self->img_h;
  g_set_object (&self->photo, photo);
  self->img_w = w;
  self->img_h = h;
  if (!same_size && !self->fit)
    {
      self->fit = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
    }
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The photo being shown, or NULL. */
GdkTexture *
dr_canvas_get_photo (DrCanvas *self)
{
  g_return_val_if_fail (DR_IS_CANVAS (self), NULL);
  return self->photo;
}

/* Replaces the overlay of one damage type (NULL: none). Visibility is unchanged. */
void
dr_canvas_set_overlay (DrCanvas *self, guint damage, DrOverlay *overlay)
{
  g_return_if_fail (DR_IS_CANVAS (self) && damage < DR_N_DAMAGE_TYPES);
  if (overlay)
    dr_overlay_ref (overlay);
  g_clear_pointer (&self->overlay[damage], dr_overlay_unref);
  self->overlay[damage] = overlay;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The overlay of one damage type, or NULL. */
DrOverlay *
dr_canvas_get_overlay (DrCanvas *self, guint damage)
{
  g_return_val_if_fail (DR_IS_CANVAS (self) && damage < DR_N_DAMAGE_TYPES, NULL);
  return self->overlay[damage];
}

/* Drops every overlay (e.g. when another photo is shown). */
void
dr_canvas_clear_overlays (DrCanvas *self)
{
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    g_clear_pointer (&self->overlay[i], dr_overlay_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Shows or hides one damage type's overlay; drawing only, the mask is untouched. */
void
dr_canvas_set_overlay_visible (DrCanvas *self, guint damage, gboolean visible)
{
  g_return_if_fail (DR_IS_CANVAS (self) && damage < DR_N_DAMAGE_TYPES);
  self->visible[damage] = !!visible;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Whether one damage type's overlay is drawn. */
gboolean
dr_canvas_get_overlay_visible (DrCanvas *self, guint damage)
{
  g_return_val_if_fail (DR_IS_CANVAS (self) && damage < DR_N_DAMAGE_TYPES, FALSE);
  return self->visible[damage];
}

/* Sets the opacity of every overlay (0 … 1). */
void
dr_canvas_set_opacity (DrCanvas *self, double opacity)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  opacity = CLAMP (opacity, 0, 1);
  if (self->opacity == opacity)
    return;
  self->opacity = opacity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPACITY]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Current overlay opacity. */
double
dr_canvas_get_opacity (DrCanvas *self)
{
  g_return_val_if_fail (DR_IS_CANVAS (self), 0);
  return self->opacity;
}

/* Draws overlays as outlines only (TRUE) or filled (FALSE). */
void
dr_canvas_set_outline (DrCanvas *self, gboolean outline)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  outline = !!outline;
  if (self->outline == outline)
    return;
  self->outline = outline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTLINE]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Shows the whole photo, and keeps doing so when the window is resized. */
void
dr_canvas_zoom_fit (DrCanvas *self)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  self->fit = TRUE;
  self->scale = fit_scale (self);
  configure_adjustments (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Zooms to scale (1 = 100 %) around the centre of the viewport. */
void
dr_canvas_zoom_to (DrCanvas *self, double scale)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  zoom_at (self, scale, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

/* Multiplies the scale by factor around the centre of the viewport. */
void
dr_canvas_zoom_by (DrCanvas *self, double factor)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  dr_canvas_zoom_to (self, self->scale * factor);
}

/* Current scale (screen pixels per photo pixel). */
double
dr_canvas_get_scale (DrCanvas *self)
{
  g_return_val_if_fail (DR_IS_CANVAS (self), 1);
  return self->scale;
}

/* See header. The canvas keeps a reference to editor. */
void
dr_canvas_set_editor (DrCanvas *self, DrEditTool *editor)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  g_set_object (&self->editor, editor);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* See header. */
void
dr_canvas_widget_to_photo (DrCanvas *self, double wx, double wy, double *x, double *y)
{
  g_return_if_fail (DR_IS_CANVAS (self));
  double ox, oy;
  get_origin (self, &ox, &oy);
  *x = (wx - ox) / self->scale;
  *y = (wy - oy) / self->scale;
}

/* See header. */
gboolean
dr_canvas_is_panning (DrCanvas *self)
{
  g_return_val_if_fail (DR_IS_CANVAS (self), FALSE);
  return self->panning || self->space_held;
}
