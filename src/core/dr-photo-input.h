/* dr-photo-input.h — one photo made ready for the network, shared by the jobs that run the
 * models on it.
 *
 * The first worker to need the photo decodes it upright and preprocesses it (RGB 256×256,
 * /255); workers that need it meanwhile wait, then share the result, and every later one
 * shares it at once. A photo that cannot be prepared gives every caller the same error.
 * Reference-counted and thread-safe. */
#pragma once

#include <gio/gio.h>

#include "dr-inference-runner.h"

G_BEGIN_DECLS

typedef struct _DrPhotoInput DrPhotoInput;

/* An input for the photo file at path, not yet decoded. */
DrPhotoInput *dr_photo_input_new   (const char *path);
DrPhotoInput *dr_photo_input_ref   (DrPhotoInput *self);
void          dr_photo_input_unref (DrPhotoInput *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrPhotoInput, dr_photo_input_unref)

const char *dr_photo_input_get_path (DrPhotoInput *self);

/* Prepares the network input on the first call, with worker's scratch; TRUE when it is
 * ready. FALSE with error (the decoder's, so dr_photo_error_is_permanent () applies, or one
 * line naming the photo and the reason) on this and every later call. */
gboolean dr_photo_input_prepare (DrPhotoInput *self, DrInferenceWorker *worker, GError **error);

/* The photo's size after EXIF orientation, once prepared. */
int dr_photo_input_get_width  (DrPhotoInput *self);
int dr_photo_input_get_height (DrPhotoInput *self);

/* Runs model (named model_name in messages) on the prepared input: worker's logits then hold
 * its output, and the mask at photo resolution (width × height bytes, 255 = damage) is
 * returned with its stats. The engine checks abort between layers (NULL: worker's own flag,
 * raised when the job is cancelled). NULL with G_IO_ERROR_CANCELLED when aborted, else with
 * one line naming the photo, the model and the reason. */
guint8 *dr_photo_input_run (DrPhotoInput *self, DrInferenceWorker *worker, const NnUnet *model,
                            const char *model_name, const atomic_int *abort,
                            NnMaskStats *stats, GError **error);

/* One model to run on one photo: the job of the window's queue and of `infer`. */
typedef struct {
  DrPhotoInput *input;   /* shared by the photo's jobs */
  gint64 photo;          /* the owner's photo id (or index) */
  guint damage;          /* the model's damage type */
} DrModelJob;

/* A job holding a reference to input. */
DrModelJob *dr_model_job_new  (DrPhotoInput *input, gint64 photo, guint damage);
/* Frees job and drops its reference to the input; NULL allowed. A GDestroyNotify. */
void        dr_model_job_free (gpointer job);

G_END_DECLS
