/* dr-edit-tool.c — see dr-edit-tool.h. */
#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "dr-edit-tool.h"
#include "dr-pg-conn.h"
#include "dr-store-error.h"

#define MIN_BRUSH 1.0
#define MAX_BRUSH 2000.0

struct _DrEditTool
{
  GObject parent_instance;

  DrCanvas *canvas;             /* weak: the canvas owns its controllers, which own us not */
  DrEditSession *session;
  DrToolKind kind;
  double brush_size;            /* photo px */
  gboolean subtract;

  gboolean stroking;            /* a brush/eraser edit is open */
  double last_x, last_y;        /* previous stroke sample, photo coordinates */
  GArray *polygon;              /* double pairs of the polygon being built */
  gboolean polygon_subtract;    /* decided at its first vertex */
  gint64 last_press_us;         /* for double-click detection */
  double last_press_x, last_press_y;

  gboolean pointer_inside;
  double pointer_x, pointer_y;  /* photo coordinates */
};

enum { PROP_0, PROP_KIND, PROP_BRUSH_SIZE, PROP_SUBTRACT, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIG_REFUSED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrEditTool, dr_edit_tool, G_TYPE_OBJECT)

static const char *const kind_names[] = { "none", "brush", "eraser", "polygon", "fill" };

/* See header. */
const char *
dr_tool_kind_to_string (DrToolKind kind)
{
  return kind <= DR_TOOL_FILL ? kind_names[kind] : NULL;
}

/* See header. */
gboolean
dr_tool_kind_from_string (const char *string, DrToolKind *kind)
{
  for (guint i = 0; string && i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (string, kind_names[i]))
      {
        *kind = (DrToolKind) i;
        return TRUE;
      }
  return FALSE;
}

/* Whether filling from (x, y) would reach all four borders of the photo: the click is outside
 * any closed outline and would flood the whole photo (tried on a copy; the mask is untouched). */
static gboolean
fill_leaks_everywhere (const DrMask *mask, int x, int y, gboolean on)
{
  if (x < 0 || y < 0 || x >= mask->width || y >= mask->height)
    return FALSE;
  gsize n = (gsize) mask->width * mask->height;
  g_autofree guint8 *copy = g_memdup2 (mask->pixels, n);
  DrMask trial = { copy, mask->width, mask->height };
  DrRect r = dr_mask_flood_fill (&trial, x, y, on);
  return r.x == 0 && r.y == 0 && r.width == mask->width && r.height == mask->height;
}

static void
queue_draw (DrEditTool *self)
{
  if (self->canvas)
    gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
}

/* The cursor over the canvas: a crosshair while a tool edits, the default otherwise. */
static void
update_cursor (DrEditTool *self)
{
  if (self->canvas && !dr_canvas_is_panning (self->canvas))
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self->canvas),
                                     self->kind == DR_TOOL_NONE ? NULL : "crosshair");
}

/* Starts an edit of the session's layer; when the layer cannot be loaded for it, "refused"
 * says why in one line (a team server out of reach: only a layer loaded before can be
 * edited until it is back). */
static gboolean
begin_edit (DrEditTool *self)
{
  g_autoptr (GError) error = NULL;
  if (dr_edit_session_begin (self->session, &error))
    return TRUE;
  if (error == NULL)
    return FALSE;
  DrProject *project = dr_edit_session_get_project (self->session);
  if (g_error_matches (error, DR_STORE_ERROR, DR_STORE_ERROR_IO) && project != NULL
      && dr_pg_is_conninfo (dr_project_get_path (project)))
    g_signal_emit (self, signals[SIG_REFUSED], 0,
                   _("The server cannot be reached and this layer was not open for editing "
                     "before it went away; it can be edited once the server is back"));
  else
    g_signal_emit (self, signals[SIG_REFUSED], 0, error->message);
  return FALSE;
}

/* Whether a press with these modifiers inverts add/subtract. */
static gboolean
inverts (GdkModifierType state)
{
  return (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0;
}

/* Applies one fill_polygon edit with the built vertices. */
static void
apply_polygon (DrEditTool *self)
{
  if (!begin_edit (self))
    return;
  DrMask *mask = dr_edit_session_get_mask (self->session);
  DrRect r = dr_mask_fill_polygon (mask, (const double *) self->polygon->data,
                                   self->polygon->len / 2, !self->polygon_subtract);
  dr_edit_session_changed (self->session, &r);
  dr_edit_session_end (self->session, DR_REVISION_POLYGON);
}

/* See header. */
void
dr_edit_tool_press (DrEditTool *self, double x, double y, GdkModifierType state)
{
  g_return_if_fail (DR_IS_EDIT_TOOL (self));
  self->pointer_x = x;
  self->pointer_y = y;
  switch (self->kind)
    {
    case DR_TOOL_NONE:
      return;
    case DR_TOOL_BRUSH:
    case DR_TOOL_ERASER:
      {
        if (self->stroking || !begin_edit (self))
          return;
        self->stroking = TRUE;
        self->last_x = x;
        self->last_y = y;
        DrRect r = dr_mask_stamp_segment (dr_edit_session_get_mask (self->session), x, y, x, y,
                                          self->brush_size / 2, self->kind == DR_TOOL_BRUSH);
        dr_edit_session_changed (self->session, &r);
        return;
      }
    case DR_TOOL_POLYGON:
      {
        gint64 now = g_get_monotonic_time ();
        double tol = 4 / MAX (dr_canvas_get_scale (self->canvas), 1e-3);
        gboolean dbl = self->polygon->len >= 6 && now - self->last_press_us < 400000 &&
                       fabs (x - self->last_press_x) <= tol && fabs (y - self->last_press_y) <= tol;
        self->last_press_us = now;
        self->last_press_x = x;
        self->last_press_y = y;
        if (dbl)
          {
            dr_edit_tool_close_polygon (self);
            self->last_press_us = 0;
            return;
          }
        if (self->polygon->len == 0)
          self->polygon_subtract = self->subtract != inverts (state);
        double xy[2] = { x, y };
        g_array_append_vals (self->polygon, xy, 2);
        queue_draw (self);
        return;
      }
    case DR_TOOL_FILL:
      {
        if (!begin_edit (self))
          return;
        gboolean on = self->subtract == inverts (state);
        if (fill_leaks_everywhere (dr_edit_session_get_mask (self->session), (int) floor (x),
                                   (int) floor (y), on))
          {
            dr_edit_session_end (self->session, DR_REVISION_FILL);
            g_signal_emit (self, signals[SIG_REFUSED], 0,
                           _("Fill works inside a closed outline: this spot is not enclosed, "
                             "so the whole photo would be filled. Draw the outline first."));
            return;
          }
        DrRect r = dr_mask_flood_fill (dr_edit_session_get_mask (self->session),
                                       (int) floor (x), (int) floor (y), on);
        dr_edit_session_changed (self->session, &r);
        dr_edit_session_end (self->session, DR_REVISION_FILL);
        return;
      }
    }
}

/* See header. Each sample is joined to the previous one by a capsule. */
void
dr_edit_tool_drag (DrEditTool *self, double x, double y)
{
  g_return_if_fail (DR_IS_EDIT_TOOL (self));
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  if (!self->stroking)
    {
      queue_draw (self);
      return;
    }
  DrRect r = dr_mask_stamp_segment (dr_edit_session_get_mask (self->session), self->last_x,
                                    self->last_y, x, y, self->brush_size / 2,
                                    self->kind == DR_TOOL_BRUSH);
  self->last_x = x;
  self->last_y = y;
  dr_edit_session_changed (self->session, &r);
  queue_draw (self);
}

/* See header. Ends a stroke: one revision. */
void
dr_edit_tool_release (DrEditTool *self, double x, double y)
{
  g_return_if_fail (DR_IS_EDIT_TOOL (self));
  if (!self->stroking)
    return;
  dr_edit_tool_drag (self, x, y);
  self->stroking = FALSE;
  dr_edit_session_end (self->session, self->kind == DR_TOOL_ERASER ? DR_REVISION_ERASER
                                                                    : DR_REVISION_BRUSH);
}

/* See header. */
gboolean
dr_edit_tool_close_polygon (DrEditTool *self)
{
  g_return_val_if_fail (DR_IS_EDIT_TOOL (self), FALSE);
  if (self->polygon->len == 0)
    return FALSE;
  if (self->polygon->len >= 6)
    apply_polygon (self);
  g_array_set_size (self->polygon, 0);
  queue_draw (self);
  return TRUE;
}

/* See header. */
gboolean
dr_edit_tool_cancel_polygon (DrEditTool *self)
{
  g_return_val_if_fail (DR_IS_EDIT_TOOL (self), FALSE);
  if (self->polygon->len == 0)
    return FALSE;
  g_array_set_size (self->polygon, 0);
  queue_draw (self);
  return TRUE;
}

/* See header. */
gboolean
dr_edit_tool_remove_vertex (DrEditTool *self)
{
  g_return_val_if_fail (DR_IS_EDIT_TOOL (self), FALSE);
  if (self->polygon->len == 0)
    return FALSE;
  g_array_set_size (self->polygon, self->polygon->len - 2);
  queue_draw (self);
  return TRUE;
}

/* ---- event controllers ---------------------------------------------------------------- */

static void
drag_begin_cb (GtkGestureDrag *gesture, double wx, double wy, DrEditTool *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  if (button != GDK_BUTTON_PRIMARY || self->kind == DR_TOOL_NONE ||
      dr_canvas_get_photo (self->canvas) == NULL || dr_canvas_is_panning (self->canvas))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  double x, y;
  dr_canvas_widget_to_photo (self->canvas, wx, wy, &x, &y);
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  dr_edit_tool_press (self, x, y, state);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, DrEditTool *self)
{
  double sx, sy, x, y;
  if (!self->stroking || !gtk_gesture_drag_get_start_point (gesture, &sx, &sy))
    return;
  dr_canvas_widget_to_photo (self->canvas, sx + dx, sy + dy, &x, &y);
  dr_edit_tool_drag (self, x, y);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, DrEditTool *self)
{
  double sx, sy, x, y;
  if (!self->stroking || !gtk_gesture_drag_get_start_point (gesture, &sx, &sy))
    return;
  dr_canvas_widget_to_photo (self->canvas, sx + dx, sy + dy, &x, &y);
  dr_edit_tool_release (self, x, y);
}

/* A cancelled drag (grab taken away) still keeps what was drawn: one revision. */
static void
drag_cancel_cb (GtkGesture *gesture, GdkEventSequence *sequence, DrEditTool *self)
{
  if (self->stroking)
    dr_edit_tool_release (self, self->last_x, self->last_y);
}

static void
motion_cb (GtkEventControllerMotion *motion, double wx, double wy, DrEditTool *self)
{
  dr_canvas_widget_to_photo (self->canvas, wx, wy, &self->pointer_x, &self->pointer_y);
  self->pointer_inside = TRUE;
  update_cursor (self);
  if (self->kind != DR_TOOL_NONE)
    queue_draw (self);
}

static void
leave_cb (GtkEventControllerMotion *motion, DrEditTool *self)
{
  self->pointer_inside = FALSE;
  queue_draw (self);
}

/* Enter / Escape / BackSpace finish, drop or shorten a polygon being built. */
static gboolean
key_pressed_cb (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
                DrEditTool *self)
{
  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      return dr_edit_tool_close_polygon (self);
    case GDK_KEY_Escape:
      return dr_edit_tool_cancel_polygon (self);
    case GDK_KEY_BackSpace:
      return dr_edit_tool_remove_vertex (self);
    default:
      return FALSE;
    }
}

/* ---- drawing ------------------------------------------------------------------------- */

/* See header. */
gboolean
dr_edit_tool_snapshot_layer (DrEditTool *self, GtkSnapshot *snapshot, guint damage)
{
  g_return_val_if_fail (DR_IS_EDIT_TOOL (self), FALSE);
  return self->canvas != NULL &&
         dr_edit_session_snapshot_layer (self->session, self->canvas, snapshot, damage);
}

/* A circle outline of radius r (photo px) at (x, y), dark then light so it shows on any
 * photo, each line w photo px wide. */
static void
append_circle (GtkSnapshot *snapshot, double x, double y, double r, double w)
{
  static const GdkRGBA dark = { 0, 0, 0, 0.8 }, light = { 1, 1, 1, 0.9 };
  for (int k = 0; k < 2; k++)
    {
      double rr = r + (k == 0 ? w : 0);
      GskRoundedRect rect;
      gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT ((float) (x - rr),
                                                                  (float) (y - rr),
                                                                  (float) (2 * rr),
                                                                  (float) (2 * rr)),
                                       (float) rr);
      const float widths[4] = { (float) w, (float) w, (float) w, (float) w };
      const GdkRGBA *c = k == 0 ? &dark : &light;
      const GdkRGBA colors[4] = { *c, *c, *c, *c };
      gtk_snapshot_append_border (snapshot, &rect, widths, colors);
    }
}

/* See header: the brush outline at the pointer, the polygon being built with a rubber band
 * to the pointer. */
void
dr_edit_tool_snapshot_tool (DrEditTool *self, GtkSnapshot *snapshot, double scale)
{
  g_return_if_fail (DR_IS_EDIT_TOOL (self));
  double px = 1 / MAX (scale, 1e-3);
  if ((self->kind == DR_TOOL_BRUSH || self->kind == DR_TOOL_ERASER) && self->pointer_inside)
    append_circle (snapshot, self->pointer_x, self->pointer_y,
                   MAX (self->brush_size / 2, 2 * px), 1.5 * px);
  guint n = self->polygon->len / 2;
  if (n == 0)
    return;
  const double *xy = (const double *) self->polygon->data;
  double x0 = self->pointer_x, y0 = self->pointer_y, x1 = x0, y1 = y0;
  for (guint i = 0; i < n; i++)
    {
      x0 = MIN (x0, xy[2 * i]);
      y0 = MIN (y0, xy[2 * i + 1]);
      x1 = MAX (x1, xy[2 * i]);
      y1 = MAX (y1, xy[2 * i + 1]);
    }
  double m = 6 * px;
  graphene_rect_t bounds = GRAPHENE_RECT_INIT ((float) (x0 - m), (float) (y0 - m),
                                               (float) (x1 - x0 + 2 * m),
                                               (float) (y1 - y0 + 2 * m));
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_move_to (cr, xy[0], xy[1]);
  for (guint i = 1; i < n; i++)
    cairo_line_to (cr, xy[2 * i], xy[2 * i + 1]);
  if (self->pointer_inside)
    cairo_line_to (cr, self->pointer_x, self->pointer_y);
  cairo_set_line_width (cr, 3 * px);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 1.5 * px);
  if (self->polygon_subtract)
    cairo_set_source_rgba (cr, 1, 0.4, 0.4, 1);
  else
    cairo_set_source_rgba (cr, 1, 1, 1, 1);
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    cairo_rectangle (cr, xy[2 * i] - 3 * px, xy[2 * i + 1] - 3 * px, 6 * px, 6 * px);
  cairo_fill (cr);
  cairo_destroy (cr);
}

/* ---- properties and life cycle --------------------------------------------------------- */

/* See header. */
void
dr_edit_tool_set_kind (DrEditTool *self, DrToolKind kind)
{
  g_return_if_fail (DR_IS_EDIT_TOOL (self) && kind <= DR_TOOL_FILL);
  if (self->kind == kind)
    return;
  if (self->stroking)
    dr_edit_tool_release (self, self->last_x, self->last_y);
  dr_edit_tool_cancel_polygon (self);
  self->kind = kind;
  update_cursor (self);
  queue_draw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

DrToolKind
dr_edit_tool_get_kind (DrEditTool *self)
{
  g_return_val_if_fail (DR_IS_EDIT_TOOL (self), DR_TOOL_NONE);
  return self->kind;
}

/* See header. */
void
dr_edit_tool_set_brush_size (DrEditTool *self, double size)
{
  g_return_if_fail (DR_IS_EDIT_TOOL (self));
  size = CLAMP (round (size), MIN_BRUSH, MAX_BRUSH);
  if (self->brush_size == size)
    return;
  self->brush_size = size;
  queue_draw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRUSH_SIZE]);
}

double
dr_edit_tool_get_brush_size (DrEditTool *self)
{
  g_return_val_if_fail (DR_IS_EDIT_TOOL (self), MIN_BRUSH);
  return self->brush_size;
}

void
dr_edit_tool_set_subtract (DrEditTool *self, gboolean subtract)
{
  g_return_if_fail (DR_IS_EDIT_TOOL (self));
  subtract = !!subtract;
  if (self->subtract == subtract)
    return;
  self->subtract = subtract;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTRACT]);
}

static void
dr_edit_tool_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DrEditTool *self = DR_EDIT_TOOL (object);
  switch (prop_id)
    {
    case PROP_KIND: g_value_set_string (value, dr_tool_kind_to_string (self->kind)); break;
    case PROP_BRUSH_SIZE: g_value_set_double (value, self->brush_size); break;
    case PROP_SUBTRACT: g_value_set_boolean (value, self->subtract); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_edit_tool_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  DrEditTool *self = DR_EDIT_TOOL (object);
  DrToolKind kind;
  switch (prop_id)
    {
    case PROP_KIND:
      if (dr_tool_kind_from_string (g_value_get_string (value), &kind))
        dr_edit_tool_set_kind (self, kind);
      break;
    case PROP_BRUSH_SIZE: dr_edit_tool_set_brush_size (self, g_value_get_double (value)); break;
    case PROP_SUBTRACT: dr_edit_tool_set_subtract (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_edit_tool_finalize (GObject *object)
{
  DrEditTool *self = DR_EDIT_TOOL (object);
  if (self->canvas)
    g_object_remove_weak_pointer (G_OBJECT (self->canvas), (gpointer *) &self->canvas);
  g_clear_object (&self->session);
  g_array_unref (self->polygon);
  G_OBJECT_CLASS (dr_edit_tool_parent_class)->finalize (object);
}

static void
dr_edit_tool_class_init (DrEditToolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = dr_edit_tool_finalize;
  object_class->get_property = dr_edit_tool_get_property;
  object_class->set_property = dr_edit_tool_set_property;

  /* As a string so it binds to the "win.tool" action's state. */
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, "none",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRUSH_SIZE] =
    g_param_spec_double ("brush-size", NULL, NULL, MIN_BRUSH, MAX_BRUSH, 20,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTRACT] =
    g_param_spec_boolean ("subtract", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  /* (message): a click was refused, with a sentence saying why (fill outside an outline). */
  signals[SIG_REFUSED] = g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dr_edit_tool_init (DrEditTool *self)
{
  self->brush_size = 20;
  self->polygon = g_array_new (FALSE, FALSE, sizeof (double));
}

/* See header. The controllers live on the canvas; the tool must outlive neither. */
DrEditTool *
dr_edit_tool_new (DrCanvas *canvas, DrEditSession *session)
{
  g_return_val_if_fail (DR_IS_CANVAS (canvas) && DR_IS_EDIT_SESSION (session), NULL);
  DrEditTool *self = g_object_new (DR_TYPE_EDIT_TOOL, NULL);
  self->canvas = canvas;
  g_object_add_weak_pointer (G_OBJECT (canvas), (gpointer *) &self->canvas);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "changed", G_CALLBACK (queue_draw), self,
                           G_CONNECT_SWAPPED);

  GtkWidget *widget = GTK_WIDGET (canvas);
  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (drag_update_cb), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (drag_end_cb), self, 0);
  g_signal_connect_object (drag, "cancel", G_CALLBACK (drag_cancel_cb), self, 0);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "enter", G_CALLBACK (motion_cb), self, 0);
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, 0);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, 0);
  gtk_widget_add_controller (widget, motion);

  GtkEventController *keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self, 0);
  gtk_widget_add_controller (widget, keys);

  dr_canvas_set_editor (canvas, self);
  return self;
}
