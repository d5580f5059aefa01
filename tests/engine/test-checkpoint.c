/* test-checkpoint.c — reads every fixture of make-checkpoints.py and checks the result.
 *
 * Good layouts: every float tensor must equal, bit for bit, the values PyTorch wrote into the
 * expect-*.bin files (float32, float keys concatenated in model-format-keys.tsv order), and
 * the state dict must pass nn_unet_check_state_dict. Broken files: the status and a message
 * substring, with the message starting with the path.
 *
 * Usage: test-checkpoint FIXTURE-DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-checkpoint.h"
#include "nn-unet-keys.h"

static const char *dir;
static int failures;

#define FAIL(...) do { failures++; fprintf (stderr, "FAIL: " __VA_ARGS__); \
                       fputc ('\n', stderr); } while (0)

/* Returns dir/name in a static buffer. */
static const char *
fixture (const char *name)
{
  static char buf[4096];
  snprintf (buf, sizeof buf, "%s/%s", dir, name);
  return buf;
}

/* Reads a whole file into a malloc'd buffer; exits on failure (a missing fixture is a bug). */
static unsigned char *
slurp (const char *path, size_t *size)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      fprintf (stderr, "cannot open %s\n", path);
      exit (2);
    }
  fseek (f, 0, SEEK_END);
  long n = ftell (f);
  fseek (f, 0, SEEK_SET);
  unsigned char *buf = malloc (n > 0 ? (size_t) n : 1);
  if (buf == NULL || fread (buf, 1, (size_t) n, f) != (size_t) n)
    exit (2);
  fclose (f);
  *size = (size_t) n;
  return buf;
}

/* Expected dumps, each read once and kept until exit. */
static struct { const char *name; float *data; size_t size; } dumps[8];

/* Returns the expected dump expect_name, reading it on first use. */
static const float *
expected (const char *expect_name, size_t *size)
{
  int i = 0;
  while (dumps[i].name != NULL && strcmp (dumps[i].name, expect_name) != 0)
    i++;
  if (dumps[i].name == NULL)
    {
      dumps[i].name = expect_name;
      dumps[i].data = (float *) slurp (fixture (expect_name), &dumps[i].size);
    }
  *size = dumps[i].size;
  return dumps[i].data;
}

/* Compares every float tensor of sd with the expected dump, in table order. */
static void
compare_values (const char *name, const NnStateDict *sd, const char *expect_name)
{
  size_t size;
  const float *want = expected (expect_name, &size);
  size_t pos = 0, bad_tensors = 0;
  for (int i = 0; i < NN_UNET_NUM_KEYS; i++)
    {
      const NnUnetKey *k = &nn_unet_keys[i];
      const NnNamedTensor *t = nn_state_dict_find (sd, k->name);
      if (!k->is_float)
        continue;
      size_t numel = 1;
      for (int d = 0; d < k->ndim; d++)
        numel *= (size_t) k->shape[d];
      if (t == NULL || t->data == NULL || t->numel != numel
          || (pos + numel) * sizeof (float) > size)
        {
          FAIL ("%s: tensor %s missing or of the wrong size", name, k->name);
          return;
        }
      if (memcmp (t->data, want + pos, numel * sizeof (float)) != 0 && bad_tensors++ == 0)
        for (size_t e = 0; e < numel; e++)
          if (memcmp (&t->data[e], &want[pos + e], sizeof (float)) != 0)
            {
              FAIL ("%s: %s[%zu] = %.9g, PyTorch wrote %.9g", name, k->name, e, t->data[e],
                    want[pos + e]);
              break;
            }
      pos += numel;
    }
  if (bad_tensors > 0)
    FAIL ("%s: %zu tensors differ from PyTorch's values", name, bad_tensors);
  if (pos * sizeof (float) != size)
    FAIL ("%s: expected dump has %zu bytes, tensors cover %zu", name, size,
          pos * sizeof (float));
}

/* A good layout: reads, matches the model, equals PyTorch's values. */
static void
check_good (const char *name, const char *expect_name)
{
  NnStateDict sd = { 0 };
  NnError err = { 0 };
  const char *path = fixture (name);
  NnStatus st = nn_checkpoint_read (path, &sd, &err);
  if (st != NN_OK)
    {
      FAIL ("%s: %s", name, err.message);
      return;
    }
  if (sd.count != NN_UNET_NUM_KEYS)
    FAIL ("%s: %zu tensors, want %d", name, sd.count, NN_UNET_NUM_KEYS);
  st = nn_unet_check_state_dict (&sd, path, &err);
  if (st != NN_OK)
    FAIL ("%s: model check: %s", name, err.message);
  const NnNamedTensor *nbt = nn_state_dict_find (&sd, "encoder.bn1.num_batches_tracked");
  if (nbt == NULL || nbt->dtype != NN_DTYPE_INT || nbt->ndim != 0 || nbt->numel != 1
      || nbt->data != NULL)
    FAIL ("%s: num_batches_tracked is not a 0-dim integer tensor", name);
  compare_values (name, &sd, expect_name);
  nn_state_dict_clear (&sd);
  printf ("ok %s\n", name);
}

/* A broken file: the read (or, with model set, the model check) fails with status and a
 * message that starts with the path and contains want. */
static void
check_bad (const char *name, NnStatus status, int model, const char *want)
{
  NnStateDict sd = { 0 };
  NnError err = { 0 };
  const char *path = fixture (name);
  NnStatus st = nn_checkpoint_read (path, &sd, &err);
  if (model)
    {
      if (st != NN_OK)
        {
          FAIL ("%s: read failed: %s", name, err.message);
          return;
        }
      st = nn_unet_check_state_dict (&sd, path, &err);
    }
  if (st != status)
    FAIL ("%s: status %d, want %d (%s)", name, (int) st, (int) status,
          st == NN_OK ? "" : err.message);
  else if (strncmp (err.message, path, strlen (path)) != 0 || strstr (err.message, want) == NULL
           || strchr (err.message, '\n') != NULL)
    FAIL ("%s: message \"%s\" lacks \"%s\"", name, err.message, want);
  else
    printf ("ok %s: %s\n", name, err.message);
  if (!model && (sd.count != 0 || sd.tensors != NULL))
    FAIL ("%s: state dict not left empty on failure", name);
  nn_state_dict_clear (&sd);
}

/* Counts the float tensors of sd and those whose data lies inside its file mapping. */
static void
count_borrowed (const NnStateDict *sd, size_t *floats, size_t *borrowed)
{
  *floats = *borrowed = 0;
  for (size_t i = 0; i < sd->count; i++)
    {
      const uint8_t *p = (const uint8_t *) sd->tensors[i].data;
      if (p == NULL)
        continue;
      ++*floats;
      if (sd->map != NULL && p >= sd->map && p < sd->map + sd->map_size)
        ++*borrowed;
    }
}

/* Native f32 tensors are read in place from the file's mapping (no copy), converted ones
 * (f16, big-endian) and everything read from memory are copies. */
static void
check_borrowing (void)
{
  static const struct { const char *file; int all; } cases[] = {
    { "plain.pt", 1 }, { "model.safetensors", 1 }, { "torch2x.pt", 1 },
    { "fp16.pt", 0 }, { "big-endian.pt", 0 }, { "f64.pt", 0 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      NnStateDict sd = { 0 };
      NnError err = { 0 };
      size_t floats, borrowed;
      if (nn_checkpoint_read (fixture (cases[i].file), &sd, &err) != NN_OK)
        FAIL ("%s: %s", cases[i].file, err.message);
      count_borrowed (&sd, &floats, &borrowed);
      if (floats == 0 || borrowed != (cases[i].all ? floats : 0))
        FAIL ("%s: %zu of %zu float tensors point into the file, want %s", cases[i].file,
              borrowed, floats, cases[i].all ? "all" : "none");
      nn_state_dict_clear (&sd);
      if (sd.map != NULL || sd.count != 0)
        FAIL ("%s: the state dict still holds its mapping after clearing", cases[i].file);
    }
  size_t size;
  unsigned char *data = slurp (fixture ("plain.pt"), &size);
  NnStateDict sd = { 0 };
  NnError err = { 0 };
  if (nn_checkpoint_read_memory (data, size, "plain.pt", &sd, &err) != NN_OK)
    FAIL ("plain.pt from memory: %s", err.message);
  free (data);   /* nothing may point into it any more: ASan sees any use */
  compare_values ("plain.pt from memory", &sd, "expect-f32.bin");
  nn_state_dict_clear (&sd);
  printf ("ok borrowing\n");
}

/* The plain checkpoint cut at many lengths: always a format error, never a crash. */
static void
check_truncations (void)
{
  size_t size;
  unsigned char *data = slurp (fixture ("plain.pt"), &size);
  size_t cuts[] = { 1, 2, 4, 21, 22, 64, 100, 1000, 5000, size / 3, size / 2, size - 4096,
                    size - 200, size - 98, size - 22, size - 1 };
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
    {
      unsigned char *copy = malloc (cuts[i]);
      memcpy (copy, data, cuts[i]);   /* exact-size buffer, so ASan sees any over-read */
      NnStateDict sd = { 0 };
      NnError err = { 0 };
      NnStatus st = nn_checkpoint_read_memory (copy, cuts[i], "cut.pt", &sd, &err);
      if (st != NN_ERR_FORMAT || strstr (err.message, "cut.pt: ") != err.message
          || (strstr (err.message, "truncated") == NULL && strstr (err.message, "corrupt") == NULL))
        FAIL ("cut at %zu: status %d: %s", cuts[i], (int) st, err.message);
      nn_state_dict_clear (&sd);
      free (copy);
    }
  free (data);
  printf ("ok truncations\n");
}

/* Runs every good and bad fixture and the truncations; exit status 1 on any failure. */
int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s FIXTURE-DIR\n", argv[0]);
      return 2;
    }
  dir = argv[1];

  static const struct { const char *file, *expect; } good[] = {
    { "plain.pt", "expect-f32.bin" },
    { "protocol4.pt", "expect-f32.bin" },
    { "fp16.pt", "expect-f16.bin" },
    { "bf16.pt", "expect-bf16.bin" },
    { "f64.pt", "expect-f32.bin" },
    { "module.pt", "expect-f32.bin" },
    { "module2.pt", "expect-f32.bin" },
    { "model-prefix.pt", "expect-f32.bin" },
    { "wrap-state_dict.pt", "expect-f32.bin" },
    { "wrap-model.pt", "expect-f32.bin" },
    { "wrap-net.pt", "expect-f32.bin" },
    { "wrap-model_state_dict.pt", "expect-f32.bin" },
    { "parameters.pt", "expect-f32.bin" },
    { "shared.pt", "expect-f32.bin" },
    { "tied.pt", "expect-tied.bin" },
    { "channels-last.pt", "expect-f32.bin" },
    { "plain-dict.pt", "expect-f32.bin" },
    { "model.safetensors", "expect-f32.bin" },
    { "bf16.safetensors", "expect-bf16.bin" },
    { "pointer-keys.pt", "expect-f32.bin" },
    { "torch2x.pt", "expect-f32.bin" },
    { "torch2x-metadata.pt", "expect-f32.bin" },
    { "unaligned.pt", "expect-f32.bin" },
    { "align4096.pt", "expect-f32.bin" },
    { "descriptors.pt", "expect-f32.bin" },
    { "big-endian.pt", "expect-f32.bin" },
    { "repacked.pt", "expect-f32.bin" },
    { "zip64.pt", "expect-f32.bin" },
    { "zip64-extra.pt", "expect-f32.bin" },
    { "module-state-dict.pt", "expect-f32.bin" },
    { "dataparallel.pt", "expect-f32.bin" },
    { "keep-vars.pt", "expect-f32.bin" },
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    check_good (good[i].file, good[i].expect);
  check_borrowing ();

  static const struct { const char *file; NnStatus status; int model; const char *want; } bad[] = {
    { "legacy.pt", NN_ERR_UNSUPPORTED, 0, "legacy (pre-1.6) torch file; re-save it with "
      "torch>=1.6: torch.save(torch.load(path), path)" },
    { "torchscript.pt", NN_ERR_UNSUPPORTED, 0, "TorchScript archive" },
    { "whole-main.pt", NN_ERR_UNSUPPORTED, 0, "__main__.Net" },
    { "whole-main.pt", NN_ERR_UNSUPPORTED, 0,
      "re-save with torch.save(model.state_dict(), path)" },
    { "whole-nn.pt", NN_ERR_UNSUPPORTED, 0, "torch.nn.modules.container.Sequential" },
    { "missing.pt", NN_ERR_MODEL, 1,
      "key 'decoder.blocks.2.conv1.1.running_var' is missing (and 1 more)" },
    { "unexpected.pt", NN_ERR_MODEL, 1, "unexpected key 'encoder.fc.weight'" },
    { "wrong-shape.pt", NN_ERR_MODEL, 1, "key 'decoder.blocks.0.conv1.0.weight' has shape "
      "(256, 512, 3, 3) but the model needs (256, 768, 3, 3)" },
    { "classes16.pt", NN_ERR_MODEL, 1,
      "has 16 classes; Damage Review needs the 2-class damage models" },
    { "int-for-float.pt", NN_ERR_MODEL, 1, "key 'encoder.bn1.running_mean' holds integers" },
    { "float-for-int.pt", NN_ERR_MODEL, 1,
      "key 'encoder.bn1.num_batches_tracked' holds floating-point values" },
    { "truncated.pt", NN_ERR_FORMAT, 0, "truncated or corrupt zip" },
    { "corrupt.pt", NN_ERR_FORMAT, 0, "CRC mismatch in record 'plain/data/0'" },
    { "empty.pt", NN_ERR_FORMAT, 0, "file is empty" },
    { "evil.pt", NN_ERR_SECURITY, 0, "refused pickle global posix.system" },
    { "deflated.pt", NN_ERR_FORMAT, 0, "is compressed (method 8)" },
    { "tar.pt", NN_ERR_UNSUPPORTED, 0, "legacy tar-format torch file" },
    { "pytorch1.pt", NN_ERR_UNSUPPORTED, 0, "PYTORCH1" },
    { "bare-pickle.pt", NN_ERR_UNSUPPORTED, 0, "a bare pickle" },
    { "text.pt", NN_ERR_FORMAT, 0, "not a PyTorch checkpoint" },
    { "overlap.safetensors", NN_ERR_FORMAT, 0, "tensor data ranges overlap" },
    { "short-storage.pt", NN_ERR_FORMAT, 0, "storage record 'data/0' has 37628 bytes" },
    { "no-such-file.pt", NN_ERR_IO, 0, "cannot open" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    check_bad (bad[i].file, bad[i].status, bad[i].model, bad[i].want);

  check_truncations ();

  NnStateDict zeroed = { 0 };
  nn_state_dict_clear (&zeroed);

  for (int i = 0; dumps[i].name != NULL; i++)
    free (dumps[i].data);
  if (failures)
    fprintf (stderr, "%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
