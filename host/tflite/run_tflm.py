"""Runs a .tflite in TensorFlow Lite Micro's own interpreter (PyPI tflite-micro) over int8 windows.

usage: run_tflm.py MODEL.tflite WINDOWS.bin OUT.bin
       run_tflm.py --layout MODEL.tflite
WINDOWS.bin holds the windows' int8 inputs back to back (each the input tensor's element count); OUT.bin receives
each window's int8 outputs back to back. Reads no labels: it only computes. --layout prints, as JSON, the file
offset and length of every buffer's data, the builtin op codes and the metadata names (TFLM's own schema code)."""
import json
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


if __name__ == "__main__":
    if sys.argv[1] == "--layout":
        layout(sys.argv[2])
    else:
        main(*sys.argv[1:4])
