"""GPU check for the transcribe stage's ``device="auto"`` (run by hand on a CUDA machine; CI has none).

It needs only ctranslate2, numpy and transformers (to build a small random Whisper, since real
weights are larger than what travels to a lent GPU machine), and answers three questions:
does CTranslate2 see the GPU, can it compute there (cuBLAS/cuDNN found), and does Geste's check
(``media_pipeline.transcribe.cuda_failure``) say so. Timings of one 30-s encode on GPU and CPU
are printed when the GPU computes.

    python tests/gpu/check_cuda_whisper.py [WORK_DIR]
"""

from __future__ import annotations

import ctypes
import glob
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _libraries() -> None:
    for name in ("libcublas.so.12", "libcublas.so.13", "libcudnn.so.9", "libcudart.so.12", "libcudart.so.13"):
        try:
            ctypes.CDLL(name)
            print(f"  {name}: loadable")
        except OSError:
            found = [f for root in ("/usr", "/opt") for f in glob.glob(f"{root}/**/{name}*", recursive=True)][:2]
            print(f"  {name}: not loadable{' (present at ' + ', '.join(found) + ')' if found else ''}")


def _small_whisper(out: Path) -> Path:
    """A random Whisper with base's shapes cut down, converted to CTranslate2."""
    from ctranslate2.converters import TransformersConverter
    from transformers import WhisperConfig, WhisperForConditionalGeneration

    hf = out / "hf"
    cfg = WhisperConfig(d_model=384, encoder_layers=4, decoder_layers=4, encoder_attention_heads=6,
                        decoder_attention_heads=6, encoder_ffn_dim=1536, decoder_ffn_dim=1536)
    WhisperForConditionalGeneration(cfg).save_pretrained(hf)
    ct2 = out / "ct2"
    TransformersConverter(str(hf)).convert(str(ct2), quantization="float16", force=True)
    return ct2


def _time_encode(model, n: int = 5) -> float:
    import ctranslate2
    import numpy as np

    features = ctranslate2.StorageView.from_array(np.random.rand(1, model.n_mels, 3000).astype(np.float32))
    model.encode(features)
    start = time.perf_counter()
    for _ in range(n):
        model.encode(features)
    return (time.perf_counter() - start) / n


def main() -> int:
    import ctranslate2

    from media_pipeline.transcribe import cuda_failure

    print("ctranslate2", ctranslate2.__version__, "cuda devices:", ctranslate2.get_cuda_device_count())
    if ctranslate2.get_cuda_device_count():
        print("  cuda compute types:", sorted(ctranslate2.get_supported_compute_types("cuda")))
    _libraries()
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    try:
        model_dir = _small_whisper(work)
    except Exception as exc:  # noqa: BLE001 - a check script: say what broke and stop
        print("could not build the small Whisper:", type(exc).__name__, exc)
        return 1
    print("converted small random Whisper to", model_dir)
    cpu = ctranslate2.models.Whisper(str(model_dir), device="cpu", compute_type="int8")
    print("cpu check:", cuda_failure(cpu) or "computes")
    try:
        gpu = ctranslate2.models.Whisper(str(model_dir), device="cuda", compute_type="float16")
    except (RuntimeError, ValueError) as exc:
        print("GPU load failed:", exc)
        return 0
    reason = cuda_failure(gpu)
    print("GPU check (Geste's cuda_failure):", reason or "computes")
    if reason is None:
        g, c = _time_encode(gpu), _time_encode(cpu, n=2)
        print(f"30-s encode: GPU {g * 1000:.1f} ms, CPU int8 {c * 1000:.1f} ms, ratio {c / g:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
