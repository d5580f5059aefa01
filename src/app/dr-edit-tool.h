/* dr-edit-tool.h — the editing tools on the canvas: brush, eraser, polygon, flood fill.
 *
 * The tool listens to the canvas's pointer (primary button; the middle button and
 * Space+drag stay panning), turns it into photo coordinates and edits the session's active
 * layer with dr-mask-edit: a brush or eraser drag is one edit whose consecutive samples are
 * joined by capsules (no gaps however fast the drag), a polygon is one edit when it closes, a
 * fill is one edit per click. It also draws the brush outline at the pointer and the polygon
 * being built. The press/drag/release/… functions are what the event controllers call; tests
 * call them directly with photo coordinates. */
#pragma once

#include "dr-canvas.h"
#include "dr-edit-session.h"

G_BEGIN_DECLS

typedef enum {
  DR_TOOL_NONE,     /* view only: clicks do not edit */
  DR_TOOL_BRUSH,
  DR_TOOL_ERASER,
  DR_TOOL_POLYGON,
  DR_TOOL_FILL,
} DrToolKind;

/* Stable id of a tool ("none", "brush", "eraser", "polygon", "fill") and back. */
const char *dr_tool_kind_to_string   (DrToolKind kind);
gboolean    dr_tool_kind_from_string (const char *string, DrToolKind *kind);

#define DR_TYPE_EDIT_TOOL (dr_edit_tool_get_type ())
G_DECLARE_FINAL_TYPE (DrEditTool, dr_edit_tool, DR, EDIT_TOOL, GObject)

/* Attaches pointer and key handling to canvas, editing session's layer. */
DrEditTool    *dr_edit_tool_new            (DrCanvas *canvas, DrEditSession *session);

/* The tool in use (property "kind"); switching drops an unfinished polygon. */
void           dr_edit_tool_set_kind       (DrEditTool *self, DrToolKind kind);
DrToolKind     dr_edit_tool_get_kind       (DrEditTool *self);

/* Brush and eraser diameter in photo pixels, 1 … 2000 (property "brush-size"). */
void           dr_edit_tool_set_brush_size (DrEditTool *self, double size);
double         dr_edit_tool_get_brush_size (DrEditTool *self);

/* Polygon and fill subtract (erase) instead of add (property "subtract"); holding Ctrl or
 * Alt at the first click inverts it for that one polygon or fill. */
void           dr_edit_tool_set_subtract   (DrEditTool *self, gboolean subtract);

/* Pointer input in photo coordinates. */
void           dr_edit_tool_press          (DrEditTool *self, double x, double y,
                                            GdkModifierType state);
void           dr_edit_tool_drag           (DrEditTool *self, double x, double y);
void           dr_edit_tool_release        (DrEditTool *self, double x, double y);

/* Polygon: close it (one edit; needs 3 vertices), drop it, or remove its last vertex.
 * Each returns whether there was a polygon to act on. */
gboolean       dr_edit_tool_close_polygon  (DrEditTool *self);
gboolean       dr_edit_tool_cancel_polygon (DrEditTool *self);
gboolean       dr_edit_tool_remove_vertex  (DrEditTool *self);

/* Drawing hooks for the canvas, in photo coordinates at scale (screen px per photo px). */
gboolean       dr_edit_tool_snapshot_layer (DrEditTool *self, GtkSnapshot *snapshot,
                                            guint damage);
void           dr_edit_tool_snapshot_tool  (DrEditTool *self, GtkSnapshot *snapshot,
                                            double scale);

G_END_DECLS
