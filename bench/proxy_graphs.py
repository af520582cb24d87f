"""Proxy ONNX graphs for `npm run bench:engines` on machines without real voice weights.

Real Piper and Kokoro weights cannot be downloaded here (air gap), so the benchmark measures graphs
with the families' exact signatures and a decoder of the same shape and cost class as the real ones:
a HiFi-GAN-style stack of transposed convolutions (256 samples per frame for Piper, 300 for Kokoro)
with residual convolutions, run on random weights. Compute, session size and load time are of the
right order; the sound is noise. On a machine with real packs, use `--models-dir` instead.

usage: proxy_graphs.py piper OUT.onnx | kokoro OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
inits = []
nodes = []
count = [0]


def name(prefix):
    count[0] += 1
    return f"{prefix}_{count[0]}"


def weight(shape, scale=None):
    n = name("w")
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    w = rng.standard_normal(shape).astype(np.float32) * (scale or (1.0 / np.sqrt(fan_in)))
    inits.append(numpy_helper.from_array(w, n))
    return n


def const(value, dtype=np.float32):
    n = name("c")
    inits.append(numpy_helper.from_array(np.array(value, dtype=dtype), n))
    return n


def op(kind, inputs, **attrs):
    out = name(kind.lower())
    nodes.append(helper.make_node(kind, inputs, [out], **attrs))
    return out


def conv(x, cin, cout, k):
    return op("Conv", [x, weight([cout, cin, k]), weight([cout], 0.01)], pads=[k // 2, k // 2])


def up(x, cin, cout, stride):
    k = stride * 2
    y = op("ConvTranspose", [x, weight([cin, cout, k]), weight([cout], 0.01)], strides=[stride],
           pads=[stride // 2, stride // 2])
    return y


def resblock(x, ch):
    acc = None
    for k in (3, 7, 11):
        y = conv(op("LeakyRelu", [x], alpha=0.1), ch, ch, k)
        y = conv(op("LeakyRelu", [y], alpha=0.1), ch, ch, k)
        y = op("Add", [x, y])
        acc = y if acc is None else op("Add", [acc, y])
    return op("Mul", [acc, const(1 / 3)])


def decoder(frames, cin, channels, rates):
    x = conv(frames, cin, channels[0], 7)
    for i, r in enumerate(rates):
        x = up(op("LeakyRelu", [x], alpha=0.1), channels[i], channels[i + 1], r)
        x = resblock(x, channels[i + 1])
    x = conv(op("LeakyRelu", [x], alpha=0.1), channels[-1], 1, 7)
    return op("Tanh", [x])


def piper(out):
    ids = "input"
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    emb = op("Gather", [weight([256, 192], 0.1), ids], axis=0)  # [1, N, 192]
    x = op("Transpose", [emb], perm=[0, 2, 1])  # [1, 192, N]
    # Text encoder stand-in (convolutions over ids), then 4 frames per id × length_scale.
    for _ in range(6):
        x = op("Add", [x, conv(op("Relu", [x]), 192, 192, 5)])
    length = op("Gather", ["scales", const([1], np.int64)], axis=0)
    frames_per_id = op("Mul", [length, const([4.0])])
    scales = op("Concat", [const([1.0, 1.0]), frames_per_id], axis=0)
    frames = op("Resize", [x, "", scales], mode="nearest")
    audio = decoder(frames, 192, [512, 256, 128, 64, 32], [8, 8, 2, 2])  # 256 samples per frame
    nodes.append(helper.make_node("Reshape", [audio, const([1, 1, 1, -1], np.int64)], ["output"]))
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, 1, "samples"])]
    save(out, inputs, outputs)


def kokoro(out):
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "tokens"]),
        helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, 256]),
        helper.make_tensor_value_info("speed", TensorProto.FLOAT, [1]),
    ]
    emb = op("Gather", [weight([178, 512], 0.1), "input_ids"], axis=0)  # [1, N, 512]
    x = emb
    # Transformer-sized feed-forward stack (Kokoro's PL-BERT and prosody predictor stand-in).
    for _ in range(12):
        h = op("Relu", [op("MatMul", [x, weight([512, 2048])])])
        x = op("Add", [x, op("MatMul", [h, weight([2048, 512])])])
    st = op("MatMul", [op("Unsqueeze", ["style", const([1], np.int64)]), weight([256, 512])])
    x = op("Add", [x, st])
    x = op("Transpose", [x], perm=[0, 2, 1])  # [1, 512, N]
    frames_per_token = op("Div", [const([4.0]), "speed"])
    scales = op("Concat", [const([1.0, 1.0]), frames_per_token], axis=0)
    frames = op("Resize", [x, "", scales], mode="nearest")
    audio = decoder(frames, 512, [512, 256, 128, 64], [10, 6, 5])  # 300 samples per frame
    nodes.append(helper.make_node("Reshape", [audio, const([-1], np.int64)], ["waveform"]))
    outputs = [helper.make_tensor_value_info("waveform", TensorProto.FLOAT, ["samples"])]
    save(out, inputs, outputs)


def save(out, inputs, outputs):
    graph = helper.make_graph(nodes, "proxy", inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="voicereel-bench")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    {"piper": piper, "kokoro": kokoro}[sys.argv[1]](sys.argv[2])
