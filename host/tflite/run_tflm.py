"""Runs a .tflite in TensorFlow Lite Micro's own interpreter (PyPI tflite-micro) over int8 windows.

usage: run_tflm.py MODEL.tflite WINDOWS.bin OUT.bin
       run_tflm.py --layout MODEL.tflite
       run_tflm.py --prepare MODEL.tflite
WINDOWS.bin holds the windows' int8 inputs back to back (each the input tensor's element count); OUT.bin receives
each window's int8 outputs back to back. Reads no labels: it only computes. --layout prints, as JSON, the file
offset and length of every buffer's data, the builtin op codes and the metadata names (TFLM's own schema code).
--prepare prints, as JSON, the requantization parameters TFLM's Prepare derives from the file's float32 scales for
every CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD and MEAN, in operator order: written here from TFLM's C++
(quantization_util.cc QuantizeMultiplier, PopulateConvolutionQuantizationParams, GetQuantizedConvolutionMultipler,
add.cc CalculateOpDataAdd, reduce_common.cc and reference QuantizedMeanOrSum), apart from our TypeScript rule
(modules/model/requant.ts), so that the two can check each other to the last bit."""
import json
import math
import sys

import numpy as np
from tflite_micro.python.tflite_micro import runtime


def main(model_path, windows_path, out_path):
    with open(model_path, "rb") as f:
        interpreter = runtime.Interpreter.from_bytes(f.read())
    shape = interpreter.get_input_details(0)["shape"]
    size = int(np.prod(shape))
    windows = np.fromfile(windows_path, dtype=np.int8).reshape(-1, size)
    outputs = []
    for window in windows:
        interpreter.set_input(window.reshape(shape), 0)
        interpreter.invoke()
        outputs.append(interpreter.get_output(0).astype(np.int8).reshape(-1))
    np.concatenate(outputs).tofile(out_path)


def layout(model_path):
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    data = bytearray(open(model_path, "rb").read())
    model = schema.Model.GetRootAs(data, 0)
    buffers = []
    for i in range(model.BuffersLength()):
        b = model.Buffers(i)
        o = b._tab.Offset(4)
        buffers.append([b._tab.Vector(o), b.DataLength()] if o else [0, 0])
    codes = [model.OperatorCodes(i).BuiltinCode() for i in range(model.OperatorCodesLength())]
    graph = model.Subgraphs(0)
    ops = [codes[graph.Operators(i).OpcodeIndex()] for i in range(graph.OperatorsLength())]
    metadata = [model.Metadata(i).Name().decode() for i in range(model.MetadataLength())]
    print(json.dumps({"buffers": buffers, "ops": ops, "metadata": metadata}))


BUILTIN_ADD, BUILTIN_CONV_2D, BUILTIN_DEPTHWISE_CONV_2D, BUILTIN_FULLY_CONNECTED, BUILTIN_MEAN = 0, 3, 4, 9, 40


def quantize_multiplier(real):
    """QuantizeMultiplier: frexp, q * 2^31 rounded half away from zero (TfLiteRound), 2^31 folded, shift < -31 flushed."""
    if real == 0.0:
        return [0, 0]
    q, shift = math.frexp(real)
    m = math.floor(q * 2.0 ** 31 + 0.5)
    if m == 2 ** 31:
        m //= 2
        shift += 1
    if shift < -31:
        return [0, 0]
    return [m, shift]


def prepare(model_path):
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    data = bytearray(open(model_path, "rb").read())
    model = schema.Model.GetRootAs(data, 0)
    codes = [model.OperatorCodes(i).BuiltinCode() for i in range(model.OperatorCodesLength())]
    graph = model.Subgraphs(0)

    def scales(t):
        return [float(x) for x in graph.Tensors(int(t)).Quantization().ScaleAsNumpy()]

    out = []
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = codes[op.OpcodeIndex()]
        ins, outs = op.InputsAsNumpy(), op.OutputsAsNumpy()
        if code in (BUILTIN_CONV_2D, BUILTIN_DEPTHWISE_CONV_2D, BUILTIN_FULLY_CONNECTED):
            s_in, s_out, filt = scales(ins[0])[0], scales(outs[0])[0], scales(ins[1])
            if code == BUILTIN_FULLY_CONNECTED and len(filt) == 1:
                # GetQuantizedConvolutionMultipler: the input-filter product in float32, then double.
                product = float(np.float32(s_in) * np.float32(filt[0]))
                params = [quantize_multiplier(product / s_out)]
            else:
                params = [quantize_multiplier(s_in * f / s_out) for f in filt]
            out.append({"op": int(code), "params": params})
        elif code == BUILTIN_ADD:
            s1, s2, s_out = scales(ins[0])[0], scales(ins[1])[0], scales(outs[0])[0]
            left_shift = 20
            twice_max = 2 * max(s1, s2)
            m1 = quantize_multiplier(s1 / twice_max)
            m2 = quantize_multiplier(s2 / twice_max)
            mo = quantize_multiplier(twice_max / ((1 << left_shift) * s_out))
            out.append({"op": int(code), "params": [left_shift, *m1, *m2, *mo]})
        elif code == BUILTIN_MEAN:
            s_in, s_out = scales(ins[0])[0], scales(outs[0])[0]
            m, shift = quantize_multiplier(s_in / s_out)
            length = int(np.prod(graph.Tensors(int(ins[0])).ShapeAsNumpy())) // int(graph.Tensors(int(outs[0])).ShapeAsNumpy()[-1])
            n = min(length.bit_length() - 1, 32, 31 + shift)
            out.append({"op": int(code), "params": [(m << n) // length, shift - n]})
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "--layout":
        layout(sys.argv[2])
    elif sys.argv[1] == "--prepare":
        prepare(sys.argv[2])
    else:
        main(*sys.argv[1:4])
