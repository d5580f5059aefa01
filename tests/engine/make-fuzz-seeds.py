#!/usr/bin/python3
"""Write the small seed corpus of fuzz-checkpoint into tests/engine/fuzz-corpus/.

Run by hand (the seeds are committed): /usr/bin/python3 tests/engine/make-fuzz-seeds.py
Each seed is a few KB: tiny torch.save archives in the layouts the reader supports, a
safetensors file, and bare pickles. Crashing inputs found later are kept beside them as
regression seeds (crash-*), so this script never deletes files.
"""
import collections
import importlib.util
import io
import json
import os
import pickle
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fuzz-corpus')
_spec = importlib.util.spec_from_file_location('mk', os.path.join(HERE, 'make-checkpoints.py'))
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)
mk.OUT = OUT


def tiny():
    g = torch.Generator().manual_seed(7)
    sd = collections.OrderedDict()
    sd['encoder.bn1.weight'] = torch.randn(4, generator=g)
    sd['encoder.bn1.num_batches_tracked'] = torch.tensor(3)
    sd['segmentation_head.0.weight'] = torch.randn(2, 2, 3, 3, generator=g)
    sd['segmentation_head.0.bias'] = torch.randn(2, generator=g)
    mk.add_metadata(sd)
    return sd


def save(obj, name, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(buf.getvalue())


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = tiny()
    save(sd, 'plain.pt')
    save(sd, 'protocol4.pt', pickle_protocol=4)
    save(collections.OrderedDict((k, v.half() if v.is_floating_point() else v)
                                 for k, v in sd.items()), 'fp16.pt')
    save(collections.OrderedDict((k, v.bfloat16() if v.is_floating_point() else v)
                                 for k, v in sd.items()), 'bf16.pt')
    base = torch.arange(40.)
    views = collections.OrderedDict(
        [('module.a', base[3:7]), ('module.b', base[10:28].view(2, 3, 3)),
         ('module.c', torch.randn(2, 3, 2, 2).contiguous(memory_format=torch.channels_last))])
    save(views, 'views.pt')
    save({'epoch': 2.5, 'state_dict': sd, 'opt': {'lr': [1e-3, None, True]}}, 'wrapper.pt')
    save(collections.OrderedDict((k, torch.nn.Parameter(v) if v.is_floating_point() else v)
                                 for k, v in sd.items()), 'parameters.pt')
    save(sd, 'legacy.pt', _use_new_zipfile_serialization=False)
    # the torch-version variants of make-checkpoints.py, on the tiny dict
    params = collections.OrderedDict((k, torch.nn.Parameter(v) if v.is_floating_point() else v)
                                     for k, v in sd.items())
    mk.custom_save(params, 'torch2x.pt', order='insertion', torch2x_reduce=True,
                   extra=[('byteorder', b'little')] + mk.TORCH2_EXTRA)
    mk.custom_save(sd, 'big-endian.pt', big_endian=True, align=1, extra=mk.TORCH2_EXTRA)
    mk.custom_save(sd, 'descriptors.pt', descriptors=True, key_fn=lambda i, s: str(9000 + i),
                   location='cuda:0', extra=[('version', b'3\n')])
    mk.write_zip64(os.path.join(OUT, 'descriptors.pt'), os.path.join(OUT, 'zip64-extra.pt'))
    # safetensors
    header, blobs, ofs = {'__metadata__': {'format': 'pt'}}, [], 0
    for k, v in sd.items():
        data = v.numpy().tobytes()
        header[k] = {'dtype': 'I64' if v.dtype == torch.int64 else 'F32',
                     'shape': list(v.shape), 'data_offsets': [ofs, ofs + len(data)]}
        blobs.append(data)
        ofs += len(data)
    text = json.dumps(header).encode()
    with open(os.path.join(OUT, 'tiny.safetensors'), 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))
    # bare pickles: a zip holding only a pickle with lists, dicts, floats, memo
    with zipfile.ZipFile(os.path.join(OUT, 'containers.pt'), 'w') as z:
        z.writestr('archive/data.pkl',
                   pickle.dumps({'a': [1, 2.5, None, (True, False)], 'b': {'c': 'd' * 3},
                                 'e': 2 ** 40, 'f': -7}, protocol=2))
    with zipfile.ZipFile(os.path.join(OUT, 'containers4.pt'), 'w') as z:
        z.writestr('archive/data.pkl',
                   pickle.dumps({'a': [1, 2.5, None], 'b': {1, 2}, 'c': frozenset([3]),
                                 'd': b'xy', 'e': -2 ** 63}, protocol=4))


if __name__ == '__main__':
    main()
