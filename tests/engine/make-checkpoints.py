#!/usr/bin/python3
"""Write the checkpoint fixtures of test-checkpoint into OUTDIR (run at test time).

Usage: make-checkpoints.py KEYS.tsv OUTDIR STAMP  (STAMP is written last, on success)

Every good fixture holds the 278 keys/shapes/dtypes of KEYS.tsv with the same random values,
saved in one of the layouts users may have. The expected values are written by this script
(from PyTorch, never from the C reader) as raw little-endian float32, the float tensors
concatenated in KEYS.tsv order:
  expect-f32.bin   the values of every f32/f64 layout
  expect-f16.bin   after a round trip through float16
  expect-bf16.bin  after a round trip through bfloat16
Every good .pt fixture except the big-endian one is loaded back with torch.load and compared,
so a fixture our own writer got wrong cannot pass unnoticed.
Broken fixtures are described in test-checkpoint.c next to the message each must produce.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import tarfile
import zipfile

import numpy as np
import torch

OUT = '.'   # set by main(); make-fuzz-seeds.py sets it too


def read_keys(keys_tsv):
    rows = []
    with open(keys_tsv) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            _, key, shape, dtype, _ = line.rstrip('\n').split('\t')
            dims = tuple(int(x) for x in shape.strip('()').split(',') if x.strip())
            rows.append((key, dims, dtype))
    assert len(rows) == 278
    return rows


ROWS = []


def base_state_dict():
    g = torch.Generator().manual_seed(20261125)
    sd = collections.OrderedDict()
    for key, dims, dtype in ROWS:
        if dtype == 'int64':
            sd[key] = torch.randint(0, 100000, dims, generator=g, dtype=torch.int64)
        else:
            sd[key] = torch.randn(dims, generator=g, dtype=torch.float32)
    add_metadata(sd)
    return sd


def add_metadata(sd):
    """What Module.state_dict() attaches: _metadata = {module path: {'version': n}}, pickled as
    the state of a BUILD after the items (n = 2 for BatchNorm, 1 otherwise)."""
    meta = collections.OrderedDict([('', {'version': 1})])
    for key in sd:
        parts = key.split('.')[:-1]
        for i in range(1, len(parts) + 1):
            path = '.'.join(parts[:i])
            is_bn = any(k.startswith(path + '.running_mean') for k in sd)
            meta.setdefault(path, {'version': 2 if is_bn else 1})
    sd._metadata = meta


def write_expected(sd, name):
    with open(os.path.join(OUT, name), 'wb') as f:
        for key, _, dtype in ROWS:
            if dtype != 'int64':
                f.write(sd[key].detach().float().contiguous().numpy().astype('<f4').tobytes())


def path(name):
    return os.path.join(OUT, name)


def check_torch_load(name, want):
    """The oracle: torch itself must read the fixture back to exactly `want`."""
    got = torch.load(path(name), map_location='cpu')
    for k in ('state_dict', 'model_state_dict', 'model', 'net'):
        if isinstance(got, dict) and isinstance(got.get(k), dict):
            got = got[k]
            break
    keys = list(got.keys())
    for prefix in ('module.', 'module.', 'model.'):
        if all(k.startswith(prefix) for k in keys):
            keys = [k[len(prefix):] for k in keys]
    got = dict(zip(keys, got.values()))
    assert set(got) == set(want), name
    for k, v in want.items():
        g = got[k].detach()
        assert g.dtype == v.dtype and g.shape == v.shape, (name, k)
        assert torch.equal(g, v), (name, k)


# ---------------------------------------------------------------------------------------------
# A torch.save look-alike with every knob torch versions differ in.

def storage_bytes(st):
    """Raw bytes of a TypedStorage in native (little-endian) order, and its element size."""
    t = torch.tensor([], dtype=st.dtype).set_(st)
    es = t.element_size()
    as_int = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[es]
    return t.view(as_int).numpy().tobytes(), es


# torch 2.x signatures, installed into torch._utils so that this torch 1.13 can both pickle
# and torch.load them: _rebuild_tensor_v2 with its optional 7th argument (metadata) and
# _rebuild_parameter_with_state.
_rebuild_tensor_v2_113 = torch._utils._rebuild_tensor_v2


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    return _rebuild_tensor_v2_113(storage, storage_offset, size, stride, requires_grad,
                                  backward_hooks)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return torch.nn.Parameter(data, requires_grad)


for _fn in (_rebuild_tensor_v2, _rebuild_parameter_with_state):
    _fn.__module__ = 'torch._utils'
    setattr(torch._utils, _fn.__name__, _fn)


def reduce_torch2x(obj):
    """Tensors and Parameters reduced the way torch 2.x does when metadata/state exist."""
    if isinstance(obj, torch.nn.Parameter):
        return (torch._utils._rebuild_parameter_with_state,
                (obj.data, obj.requires_grad, collections.OrderedDict(), {}))
    if type(obj) is torch.Tensor:
        return (torch._utils._rebuild_tensor_v2,
                (obj.storage(), obj.storage_offset(), tuple(obj.size()), obj.stride(), False,
                 collections.OrderedDict(), {}))
    return NotImplemented


class Unseekable:
    """A write-only stream: zipfile then writes data descriptors (flag bit 3, CRC and sizes
    0 in the local headers), as torch's writer does."""

    def __init__(self, f):
        self.f = f

    def write(self, b):
        return self.f.write(b)

    def tell(self):
        return self.f.tell()

    def seek(self, *args):
        raise OSError('not seekable')

    def flush(self):
        self.f.flush()


def custom_save(obj, name, archive='archive', key_fn=None, location='cpu', protocol=2,
                order='sorted', extra=(), align=64, big_endian=False, descriptors=False,
                torch2x_reduce=False, first=()):
    """Pickles obj exactly as torch 1.13's _save does, then writes the zip with zipfile.

    key_fn(i, storage) names the i-th storage (default str(i), as torch >= 1.9); order is
    'sorted' (torch 1.x), 'insertion' (torch 2.x) or 'reversed'; extra is a list of
    (record, bytes) written after the storages, first a list written before data.pkl; align pads each record's data offset to that
    multiple with an 'FB' extra field, as torch's writer does (1 = no padding)."""
    storages, id_map = {}, {}

    class Pickler(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, torch.storage.TypedStorage):
                key = id_map.get(o._cdata)
                if key is None:
                    key = key_fn(len(id_map), o) if key_fn else str(len(id_map))
                    id_map[o._cdata] = key
                    storages[key] = o
                return ('storage', getattr(torch, o.pickle_storage_type()), key, location,
                        o.size())
            return None

        def reducer_override(self, o):
            return reduce_torch2x(o) if torch2x_reduce else NotImplemented

    buf = io.BytesIO()
    Pickler(buf, protocol=protocol).dump(obj)
    records = list(first) + [('data.pkl', buf.getvalue())]
    keys = list(storages)
    if order == 'sorted':
        keys = sorted(keys)
    elif order == 'reversed':
        keys = keys[::-1]
    for key in keys:
        data, es = storage_bytes(storages[key])
        if big_endian and es > 1:
            data = np.frombuffer(data, dtype='<u%d' % es).byteswap().tobytes()
        records.append(('data/' + key, data))
    if big_endian:
        records.insert(len(first) + 1, ('byteorder', b'big'))
    records += list(extra)
    with open(path(name), 'wb') as raw, \
            zipfile.ZipFile(Unseekable(raw) if descriptors else raw, 'w', zipfile.ZIP_STORED) as z:
        for rec, data in records:
            full = archive + '/' + rec
            info = zipfile.ZipInfo(full, date_time=(2021, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            start = z.fp.tell() + 30 + len(full.encode())
            pad = (-(start + 4)) % align if align > 1 else 0
            if align > 1:
                info.extra = b'FB' + struct.pack('<H', pad) + b'Z' * pad
            with z.open(info, 'w') as w:
                w.write(data)


def write_zip64(src, dst):
    """Re-writes the zip src as dst by hand with every classic size/offset field saturated:
    each central-directory entry carries a ZIP64 extra field (usize, csize, offset) and the
    end record points to a ZIP64 end record. Record data and local headers are kept."""
    data = open(src, 'rb').read()
    with zipfile.ZipFile(src) as z:
        infos = z.infolist()
    out, central = bytearray(), bytearray()
    for info in infos:
        lh = info.header_offset
        name_len, extra_len = struct.unpack('<HH', data[lh + 26:lh + 30])
        start = lh + 30 + name_len + extra_len
        ofs = len(out)
        out += data[lh:start] + data[start:start + info.compress_size]
        if info.flag_bits & 0x08:
            out += struct.pack('<IIII', 0x08074b50, info.CRC, info.compress_size,
                               info.file_size)
        name = info.filename.encode()
        z64 = struct.pack('<HHQQQ', 1, 24, info.file_size, info.compress_size, ofs)
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, info.flag_bits, 0,
                               0, 0x21, info.CRC, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(z64),
                               0, 0, 0, 0, 0xFFFFFFFF) + name + z64
    cd_ofs = len(out)
    out += central
    z64_ofs = len(out)
    out += struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, len(infos), len(infos),
                       len(central), cd_ofs)
    out += struct.pack('<IIQI', 0x07064b50, 0, z64_ofs, 1)
    out += struct.pack('<IHHHHIIH', 0x06054b50, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                       0xFFFFFFFF, 0)
    open(dst, 'wb').write(out)


TORCH2_EXTRA = [('version', b'3\n'), ('.data/serialization_id', b'1234567890' * 4),
                ('.format_version', b'1'), ('.storage_alignment', b'64')]


def save_safetensors(sd, name, dtype_map=None):
    """The public safetensors layout: u64 LE header length, JSON header, raw data."""
    names = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
             torch.float64: 'F64', torch.int64: 'I64'}
    header, blobs, ofs = {'__metadata__': {'format': 'pt', 'note': 'tab\t"quoted" \u00e9'}}, [], 0
    for key in reversed(list(sd)):       # not in state_dict order, as the library sorts
        t = sd[key].contiguous()
        data, _ = storage_bytes(t.storage())
        data = data[t.storage_offset() * t.element_size():][:t.numel() * t.element_size()]
        header[key] = {'dtype': names[t.dtype], 'shape': list(t.shape),
                       'data_offsets': [ofs, ofs + len(data)]}
        blobs.append(data)
        ofs += len(data)
    text = json.dumps(header, ensure_ascii=True).encode()
    text += b' ' * ((-len(text)) % 8)
    with open(path(name), 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


# ---------------------------------------------------------------------------------------------

class Conv2dReLU(torch.nn.Sequential):
    """smp 0.2.1 Conv2dReLU with use_batchnorm=True: conv (no bias), BN, ReLU."""

    def __init__(self, cin, cout):
        super().__init__(torch.nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                         torch.nn.BatchNorm2d(cout), torch.nn.ReLU(inplace=True))


class DecoderBlock(torch.nn.Module):
    def __init__(self, cin, skip, cout):
        super().__init__()
        self.conv1 = Conv2dReLU(cin + skip, cout)
        self.attention1 = torch.nn.Identity()
        self.conv2 = Conv2dReLU(cout, cout)
        self.attention2 = torch.nn.Identity()


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.center = torch.nn.Identity()
        self.blocks = torch.nn.ModuleList(
            DecoderBlock(i, s, o) for i, s, o in zip([512, 256, 128, 64, 32], [256, 128, 64, 64, 0],
                                                     [256, 128, 64, 32, 16]))


class UnetLike(torch.nn.Module):
    """The module tree of smp 0.2.1 Unet(resnet34, classes=2) (model-format.md §1), built from
    torchvision's ResNet-34, so that Module.state_dict() itself writes the fixture."""

    def __init__(self):
        super().__init__()
        import torchvision
        self.encoder = torchvision.models.resnet34()
        del self.encoder.fc
        del self.encoder.avgpool
        self.decoder = Decoder()
        self.segmentation_head = torch.nn.Sequential(torch.nn.Conv2d(16, 2, 3, padding=1),
                                                     torch.nn.Identity(), torch.nn.Identity())


def module_fixtures(sd):
    """Fixtures written by Module.state_dict() itself: plain, DataParallel, keep_vars."""
    model = UnetLike()
    assert [k for k in model.state_dict()] == [k for k, _, _ in ROWS], 'TSV order differs'
    model.load_state_dict(sd, strict=True)
    torch.save(model.state_dict(), path('module-state-dict.pt'))
    check_torch_load('module-state-dict.pt', sd)
    torch.save(torch.nn.DataParallel(model).state_dict(), path('dataparallel.pt'))
    check_torch_load('dataparallel.pt', sd)
    kv = model.state_dict(keep_vars=True)
    assert isinstance(kv['encoder.conv1.weight'], torch.nn.Parameter)
    torch.save(kv, path('keep-vars.pt'))
    check_torch_load('keep-vars.pt', sd)


def good_fixtures(sd):
    f16 = collections.OrderedDict((k, v.half() if v.is_floating_point() else v)
                                  for k, v in sd.items())
    bf16 = collections.OrderedDict((k, v.bfloat16() if v.is_floating_point() else v)
                                   for k, v in sd.items())
    f64 = collections.OrderedDict((k, v.double() if v.is_floating_point() else v)
                                  for k, v in sd.items())
    write_expected(sd, 'expect-f32.bin')
    write_expected(f16, 'expect-f16.bin')
    write_expected(bf16, 'expect-bf16.bin')

    def save(obj, name, want=sd, **kw):
        torch.save(obj, path(name), **kw)
        check_torch_load(name, want)

    save(sd, 'plain.pt')
    save(sd, 'protocol4.pt', pickle_protocol=4)
    save(f16, 'fp16.pt', want=f16)
    save(bf16, 'bf16.pt', want=bf16)
    save(f64, 'f64.pt', want=f64)
    save(collections.OrderedDict(('module.' + k, v) for k, v in sd.items()), 'module.pt')
    save(collections.OrderedDict(('module.module.' + k, v) for k, v in sd.items()),
         'module2.pt')
    save(collections.OrderedDict(('model.' + k, v) for k, v in sd.items()), 'model-prefix.pt')
    opt = {'state': {0: {'step': 10, 'exp_avg': torch.ones(3)}}, 'param_groups': [{'lr': 1e-4}]}
    save({'epoch': 12.5, 'state_dict': sd, 'optimizer': opt, 'best_iou': 0.734},
         'wrap-state_dict.pt')
    save({'model': sd, 'epoch': 3, 'note': 'kairess'}, 'wrap-model.pt')
    save({'net': sd, 'loss': [0.5, 0.25], 'flags': (True, None)}, 'wrap-net.pt')
    save({'model_state_dict': sd, 'optimizer_state_dict': opt}, 'wrap-model_state_dict.pt')
    params = collections.OrderedDict(
        (k, torch.nn.Parameter(v.clone()) if v.is_floating_point() and 'running' not in k
         else v) for k, v in sd.items())
    save(params, 'parameters.pt')
    # views: running_mean/var of each BN share one storage; one conv weight sits at an
    # offset inside a larger storage; weight and bias of one BN are the same storage twice
    shared = collections.OrderedDict(sd)
    for key in sd:
        if key.endswith('running_mean'):
            var = key[:-len('mean')] + 'var'
            both = torch.cat([sd[key], sd[var]])
            shared[key], shared[var] = both[:sd[key].numel()], both[sd[key].numel():]
    w = 'decoder.blocks.4.conv2.0.weight'
    big = torch.cat([torch.randn(100), sd[w].flatten(), torch.randn(7)])
    shared[w] = big[100:100 + sd[w].numel()].view(sd[w].shape)
    tied = 'encoder.bn1.bias'
    shared_tied = dict(shared)
    shared_tied[tied] = shared['encoder.bn1.weight']
    save(shared, 'shared.pt')
    tied_sd = collections.OrderedDict(shared_tied)
    torch.save(tied_sd, path('tied.pt'))
    check_torch_load('tied.pt', tied_sd)
    write_expected(tied_sd, 'expect-tied.bin')
    cl = collections.OrderedDict(
        (k, v.contiguous(memory_format=torch.channels_last) if v.dim() == 4 else v)
        for k, v in sd.items())
    assert not cl['encoder.conv1.weight'].is_contiguous()
    save(cl, 'channels-last.pt')
    save(dict(sd), 'plain-dict.pt')
    save_safetensors(sd, 'model.safetensors')
    save_safetensors(bf16, 'bf16.safetensors')

    # torch 1.6-1.8 style: decimal pointer keys, cuda location, Python-zipfile repack
    custom_save(sd, 'pointer-keys.pt', archive='[DAMAGE][Scratch]Unet',
                key_fn=lambda i, s: str(94000000000000 + 4096 * i), location='cuda:0',
                extra=[('version', b'3\n')])
    check_torch_load('pointer-keys.pt', sd)
    # torch 2.x style: byteorder, insertion order, serialization_id, format_version, alignment
    custom_save(sd, 'torch2x.pt', archive='archive', order='insertion',
                extra=[('byteorder', b'little')] + TORCH2_EXTRA)
    check_torch_load('torch2x.pt', sd)
    custom_save(params, 'torch2x-metadata.pt', order='insertion', torch2x_reduce=True,
                first=[('.format_version', b'1'), ('.storage_alignment', b'64')],
                extra=[('byteorder', b'little'), ('version', b'3\n'),
                       ('.data/serialization_id', b'0' * 40)])
    check_torch_load('torch2x-metadata.pt', sd)
    custom_save(sd, 'unaligned.pt', archive='weights', order='reversed', align=1,
                extra=[('version', b'3\n')])
    check_torch_load('unaligned.pt', sd)
    custom_save(sd, 'align4096.pt', archive='a', align=4096, protocol=4,
                extra=[('version', b'3\n')])
    check_torch_load('align4096.pt', sd)
    custom_save(sd, 'descriptors.pt', archive='archive', descriptors=True,
                extra=[('version', b'3\n')])
    check_torch_load('descriptors.pt', sd)
    custom_save(sd, 'big-endian.pt', archive='archive', big_endian=True,
                extra=TORCH2_EXTRA)
    # re-packed with Python zipfile: another folder name, no data descriptors, a comment
    with zipfile.ZipFile(path('plain.pt')) as src, \
            zipfile.ZipFile(path('repacked.pt'), 'w', zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr('Scratch model (copy)/' + info.filename.split('/', 1)[1],
                         src.read(info.filename))
        dst.comment = b'repacked by a zip tool'
    check_torch_load('repacked.pt', sd)
    # classic EOCD fields saturated: the reader must follow the ZIP64 locator torch writes
    data = bytearray(open(path('plain.pt'), 'rb').read())
    eocd = data.rfind(b'PK\x05\x06')
    data[eocd + 8:eocd + 20] = b'\xff' * 12
    open(path('zip64.pt'), 'wb').write(data)
    check_torch_load('zip64.pt', sd)
    write_zip64(path('descriptors.pt'), path('zip64-extra.pt'))
    check_torch_load('zip64-extra.pt', sd)


class Net(torch.nn.Module):
    """A user model class: torch.save(Net()) pickles it as __main__.Net."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 2, 3)


def bad_fixtures(sd):
    small = collections.OrderedDict([('w', torch.randn(2, 3))])
    torch.save(sd, path('legacy.pt'), _use_new_zipfile_serialization=False)
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), path('torchscript.pt'))
    torch.save(Net(), path('whole-main.pt'))
    torch.save(torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3)), path('whole-nn.pt'))

    missing = collections.OrderedDict(sd)
    del missing['decoder.blocks.2.conv1.1.running_var']
    del missing['segmentation_head.0.bias']
    torch.save(missing, path('missing.pt'))
    unexpected = collections.OrderedDict(sd)
    unexpected['encoder.fc.weight'] = torch.randn(1000, 512)
    torch.save(unexpected, path('unexpected.pt'))
    shape = collections.OrderedDict(sd)
    shape['decoder.blocks.0.conv1.0.weight'] = torch.randn(256, 512, 3, 3)
    torch.save(shape, path('wrong-shape.pt'))
    c16 = collections.OrderedDict(sd)
    c16['segmentation_head.0.weight'] = torch.randn(16, 16, 3, 3)
    c16['segmentation_head.0.bias'] = torch.randn(16)
    torch.save(c16, path('classes16.pt'))
    as_int = collections.OrderedDict(sd)
    as_int['encoder.bn1.running_mean'] = torch.zeros(64, dtype=torch.int64)
    torch.save(as_int, path('int-for-float.pt'))
    as_float = collections.OrderedDict(sd)
    as_float['encoder.bn1.num_batches_tracked'] = torch.tensor(3.0)
    torch.save(as_float, path('float-for-int.pt'))

    data = open(path('plain.pt'), 'rb').read()
    open(path('truncated.pt'), 'wb').write(data[:len(data) // 2])
    corrupt = bytearray(data)
    with zipfile.ZipFile(path('plain.pt')) as z:
        info = z.getinfo('plain/data/0')       # encoder.conv1.weight, 37632 bytes
    corrupt[info.header_offset + 1000] ^= 0x55   # data starts < 128 bytes after the header
    open(path('corrupt.pt'), 'wb').write(corrupt)
    open(path('empty.pt'), 'wb').close()

    # a pickle that would run os.system on torch.load; written by hand, nothing runs
    evil = (b'\x80\x02cposix\nsystem\nq\x00X\x0b\x00\x00\x00echo pwned!q\x01\x85q\x02Rq\x03.')
    with zipfile.ZipFile(path('evil.pt'), 'w', zipfile.ZIP_STORED) as z:
        z.writestr('evil/data.pkl', evil)
        z.writestr('evil/version', b'3\n')
    with zipfile.ZipFile(path('deflated.pt'), 'w', zipfile.ZIP_DEFLATED) as z:
        with zipfile.ZipFile(path('plain.pt')) as src:
            for info in src.infolist()[:4]:
                z.writestr(info.filename, src.read(info.filename))
    buf = io.BytesIO()
    torch.save(small, buf)
    with tarfile.open(path('tar.pt'), 'w') as t:
        ti = tarfile.TarInfo('pickle')
        ti.size = 4
        t.addfile(ti, io.BytesIO(b'\x80\x02N.'))
    open(path('pytorch1.pt'), 'wb').write(b'PYTORCH1' + b'\0' * 64)
    open(path('bare-pickle.pt'), 'wb').write(pickle.dumps({'a': 1}, protocol=2))
    open(path('text.pt'), 'wb').write(b'version https://git-lfs.github.com/spec/v1\n')
    # safetensors whose tensors overlap
    hdr = json.dumps({'a': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]},
                      'b': {'dtype': 'F32', 'shape': [2], 'data_offsets': [4, 12]}}).encode()
    open(path('overlap.safetensors'), 'wb').write(struct.pack('<Q', len(hdr)) + hdr
                                                  + b'\0' * 12)
    # a torch.save whose pickle claims more elements than the storage record holds
    with zipfile.ZipFile(path('plain.pt')) as src, \
            zipfile.ZipFile(path('short-storage.pt'), 'w', zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == 'plain/data/0':
                blob = blob[:-4]
            dst.writestr(info.filename, blob)


def main():
    global OUT
    keys_tsv, OUT, stamp = sys.argv[1], sys.argv[2], sys.argv[3]
    ROWS[:] = read_keys(keys_tsv)
    os.makedirs(OUT, exist_ok=True)
    sd = base_state_dict()
    good_fixtures(sd)
    module_fixtures(sd)
    bad_fixtures(sd)
    with open(stamp, 'w') as f:
        f.write('ok\n')


if __name__ == '__main__':
    main()
