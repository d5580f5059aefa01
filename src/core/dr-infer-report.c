/* dr-infer-report.c — the summary table and the JSON document of `damage-review infer`. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "dr-infer-job.h"
#include "dr-json.h"

/* One row per finished (photo, model); failed pairs are left to the error lines on stderr. */
void
dr_infer_print_table (const DrInferRequest *req)
{
  printf ("%-32s %-10s %12s %8s %10s\n", _("IMAGE"), _("MODEL"), _("AREA PX"), _("AREA %"),
          _("MEAN CONF"));
  for (guint i = 0; i < req->n_photos; i++)
    {
      const DrInferPhoto *photo = &req->photos[i];
      g_autofree char *base = g_path_get_basename (photo->path);
      for (guint k = 0; k < req->n_active; k++)
        {
          const DrInferResult *r = &photo->results[req->active[k]];
          if (!r->done)
            continue;
          printf ("%-32s %-10s %12" G_GINT64_FORMAT " %7.2f%% %10.4f\n", base,
                  dr_damage_get_model_name (req->active[k]), (gint64) r->stats.area_px,
                  100.0 * r->stats.area_fraction, r->stats.mean_confidence);
        }
    }
}

/* Adds the "models" array: every damage type with its file, digest, or why it was skipped. */
static void
add_models (JsonBuilder *b, const DrInferRequest *req)
{
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (DrDamage d = 0; d < DR_N_DAMAGE; d++)
    {
      json_builder_begin_object (b);
      dr_json_add_nullable_string (b, "name", dr_damage_get_model_name (d));
      dr_json_add_nullable_string (b, "path", dr_model_set_get_path (req->models, d));
      dr_json_add_nullable_string (b, "sha256", dr_model_set_get_sha256 (req->models, d));
      dr_json_add_nullable_string (b, "skipped", req->skipped[d]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* Adds one photo's object: path, size, per-model results and errors. */
static void
add_photo (JsonBuilder *b, const DrInferRequest *req, const DrInferPhoto *photo)
{
  json_builder_begin_object (b);
  dr_json_add_nullable_string (b, "image", photo->path);
  dr_json_add_int (b, "width", photo->width);
  dr_json_add_int (b, "height", photo->height);
  dr_json_add_nullable_string (b, "error", photo->error);

  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint k = 0; k < req->n_active && photo->error == NULL; k++)
    {
      const DrInferResult *r = &photo->results[req->active[k]];
      json_builder_begin_object (b);
      dr_json_add_nullable_string (b, "model", dr_damage_get_model_name (req->active[k]));
      if (r->done)
        {
          dr_json_add_int (b, "area_px", r->stats.area_px);
          json_builder_set_member_name (b, "area_fraction");
          json_builder_add_double_value (b, r->stats.area_fraction);
          json_builder_set_member_name (b, "mean_confidence");
          json_builder_add_double_value (b, r->stats.mean_confidence);
        }
      dr_json_add_nullable_string (b, "mask", r->mask_path);
      dr_json_add_nullable_string (b, "logits", r->logits_path);
      dr_json_add_nullable_string (b, "error", r->error);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* Prints {"models": [...], "images": [...]} (pretty, UTF-8) followed by a newline. */
void
dr_infer_print_json (const DrInferRequest *req)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_models (b, req);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < req->n_photos; i++)
    add_photo (b, req, &req->photos[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);

  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}
