"""EfficientNet-Lite0's feature map run by onnxruntime instead of numpy (issue 13's speed target).

The numpy forward pass (``appearance.EfficientNetLite0``) cost 27-45 ms of CPU a sample on one core, most of
it in the depthwise convolutions (k x k shifted multiply-adds over whole arrays): on 30 s of 1080p footage
the appearance cue alone took the analysis from 1.06x to 1.44x ffmpeg's decode-only CPU time. The same
weights (batch norm already folded by ``EfficientNetLite0``) are written here as an ONNX graph in memory
(the ``onnx`` package's helpers; nothing is read from or written to disk, nothing downloaded) and run by
onnxruntime (already installed for faster-whisper's voice detector) on one thread without spinning. The
output is the numpy pass' to float32 rounding (a test compares both on a real photo).
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

OPSET = 17


def _graph(net) -> bytes:
    """The serialised ONNX model of ``net`` (an ``EfficientNetLite0``): input (1, 3, H, W) RGB in [-1, 1],
    output (1, 1280, H/32, W/32), the last feature map after ReLU6."""
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes = [], []
    count = [0]

    def name(prefix: str) -> str:
        count[0] += 1
        return f"{prefix}{count[0]}"

    def const(arr: np.ndarray) -> str:
        n = name("w")
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, np.float32), n))
        return n

    lo, hi = const(np.array(0.0)), const(np.array(6.0))

    def conv(x: str, w: np.ndarray, b: np.ndarray, stride: int = 1, group: int = 1, relu6: bool = True) -> str:
        out = name("c")
        nodes.append(helper.make_node("Conv", [x, const(w), const(b)], [out], strides=[stride, stride],
                                      group=group, auto_pad="SAME_UPPER", kernel_shape=list(w.shape[2:])))
        if not relu6:
            return out
        clipped = name("r")
        nodes.append(helper.make_node("Clip", [out, lo, hi], [clipped]))
        return clipped

    x = conv("input", net.stem[0], net.stem[1], stride=2)
    for exp, (dw_w, dw_b), (pw, pb), _k, s, skip in net.blocks:
        inp = x
        if exp is not None:
            x = conv(x, exp[0].T[:, :, None, None], exp[1])
        x = conv(x, dw_w[:, None], dw_b, stride=s, group=dw_w.shape[0])
        x = conv(x, pw.T[:, :, None, None], pb, relu6=False)
        if skip:
            added = name("a")
            nodes.append(helper.make_node("Add", [x, inp], [added]))
            x = added
    x = conv(x, net.head[0].T[:, :, None, None], net.head[1])
    nodes.append(helper.make_node("Identity", [x], ["features"]))
    graph = helper.make_graph(
        nodes, "efficientnet_lite0_features",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 1280, None, None])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # what onnxruntime 1.17 and later read
    return model.SerializeToString()


class OnnxFeatures:
    """``feature_map`` of an ``EfficientNetLite0`` through onnxruntime, one thread, no spinning."""

    def __init__(self, net):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(_graph(net), opts, providers=["CPUExecutionProvider"])

    @classmethod
    def build(cls, net) -> OnnxFeatures | None:
        """The runner, or None (with a warning: the numpy pass is used) when onnx or onnxruntime is missing
        or refuses the graph."""
        try:
            return cls(net)
        except Exception as exc:  # noqa: BLE001 - any failure falls back to the numpy pass, said in the log
            log.warning("EfficientNet-Lite0 via onnxruntime unavailable (%s): numpy pass used", exc)
            return None

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """(H/32, W/32, 1280) of a prepared (H, W, 3) image, as ``EfficientNetLite0.feature_map``."""
        x = np.ascontiguousarray(rgb.transpose(2, 0, 1)[None], np.float32)
        (out,) = self.session.run(None, {"input": x})
        return out[0].transpose(1, 2, 0)
