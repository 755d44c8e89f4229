"""Date formats by language (FORMAT_MODULE_PATH): Django's own, except where Geste's readers differ."""
