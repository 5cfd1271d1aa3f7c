"""Checks on a model directory made before any of its files is deserialised.

A ``--model`` directory may come from anywhere, so loading it must never run code, prompt, or
silently load something other than what claimsift trained. Three layers:

* **File manifest.** ``claimsift.json`` lists the SHA-256 of every file in the directory
  (written by :func:`claimsift.modelmeta.write_metadata`). :func:`verify_files` refuses a
  missing, unlisted, non-regular or changed file. Symbolic links are followed only into a DVC
  cache (``.../.dvc/cache/...``), which is how ``dvc checkout`` may link outputs. The checksums
  catch corruption and mix-ups (a file from another model, a truncated copy); they do **not**
  stop tampering, since whoever can change a file can change ``claimsift.json`` too.
* **TF-IDF (skops).** :func:`check_skops` walks ``schema.json`` and allows exactly the
  ``(loader, type)`` pairs the ``train_tfidf`` stage writes; the types skops itself does not
  trust (``skops.io.get_untrusted_types``) must also be in that list.
* **Transformer.** :func:`check_transformer_dir` reads ``config.json`` and
  ``tokenizer_config.json`` as plain JSON: the architecture must be one claimsift trains
  (BERT for sequence classification, first-token or mean pooling), ``auto_map`` (remote code)
  is refused, the safetensors header must be valid and its embedding matrix, the tokenizer
  vocabulary and the config must agree in size.

Every failure is a :class:`~claimsift.modelmeta.ModelError` with a one-line message.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import sys
import zipfile
from pathlib import Path

from claimsift.modelmeta import META_FILE, ModelError, file_manifest, file_sha256

__all__ = [
    "SKOPS_ALLOWED", "REQUIRED_FILES", "TRANSFORMER_MODEL_TYPE", "TRANSFORMER_ARCHITECTURES",
    "regular_file", "verify_files", "check_skops", "check_transformer_dir", "seal",
]

REQUIRED_FILES: dict[str, tuple[str, ...]] = {
    "tfidf": ("model.skops",),
    "transformer": ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"),
}
TRANSFORMER_MODEL_TYPE = "bert"
# BERT with the pooled first token (transformers) or the mean of the tokens (claimsift.meanpool)
TRANSFORMER_ARCHITECTURES = ("BertForSequenceClassification", "BertMeanPoolForSequenceClassification")
TOKENIZER_CLASSES = ("BertTokenizer", "BertTokenizerFast")
_EMBEDDINGS = "bert.embeddings.word_embeddings.weight"
_SAFETENSORS_DTYPES = {"F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"}
# config and tokenizer files are far smaller; a TF-IDF skops schema holds its vocabularies as
# indented JSON (about 100 MB for word and character n-grams of ~10,000 sentences)
_MAX_JSON_BYTES = 250_000_000
_MAX_HEADER_BYTES = 100_000_000    # safetensors' own limit

# Exactly the (skops loader, type) pairs that ``tfidf.save`` writes for the pipeline of
# ``tfidf.build_pipeline``; anything else in a schema is refused before skops builds an object.
SKOPS_ALLOWED: frozenset[tuple[str, str]] = frozenset({
    ("DictNode", "builtins.dict"),
    ("JsonNode", "builtins.str"),
    ("ListNode", "builtins.list"),
    ("TupleNode", "builtins.tuple"),
    ("TypeNode", "builtins.str"),
    ("TypeNode", "numpy.float64"),
    ("NdArrayNode", "numpy.ndarray"),
    ("ObjectNode", "sklearn.pipeline.Pipeline"),
    ("ObjectNode", "sklearn.pipeline.FeatureUnion"),
    ("ObjectNode", "sklearn.feature_extraction.text.TfidfVectorizer"),
    ("ObjectNode", "sklearn.feature_extraction.text.TfidfTransformer"),
    ("ObjectNode", "sklearn.linear_model._logistic.LogisticRegression"),
})


def _in_dvc_cache(target: Path) -> bool:
    parts = target.parts
    return any(a == ".dvc" and b == "cache" for a, b in zip(parts, parts[1:]))


def regular_file(path: Path) -> Path:
    """``path`` itself if it is a regular file, or the target of a link into a DVC cache.

    Raises:
        ModelError: missing, a directory, a device/FIFO (``/dev/zero``), or a link elsewhere.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise ModelError(f"{path.parent}: missing {path.name}") from None
    target = path
    if stat.S_ISLNK(st.st_mode):
        target = Path(os.path.realpath(path))
        if not _in_dvc_cache(target):
            raise ModelError(f"{path}: is a symbolic link to {target}, not a file (only links into a DVC cache are followed)")
        try:
            st = os.stat(target)
        except OSError:
            raise ModelError(f"{path}: broken link to {target}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ModelError(f"{path}: not a regular file")
    return target


def verify_files(model_dir: Path, meta: dict) -> None:
    """Check the directory against the manifest (``files``) in ``claimsift.json``."""
    model_dir = Path(model_dir)
    files = meta.get("files")
    if files is None:
        raise ModelError(f"{model_dir}: {META_FILE} lists no file checksums (saved by an older claimsift); "
                         f"retrain it (`dvc repro`) or re-export it with `python -m claimsift.modelcheck seal {model_dir}`")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise ModelError(f"{model_dir}: {META_FILE} has a malformed 'files' manifest")
    bad = [name for name in files if name in ("", ".", "..", META_FILE) or "/" in name or "\\" in name]
    if bad:
        raise ModelError(f"{model_dir}: {META_FILE} lists invalid file name(s) {bad}")
    kind = meta.get("kind")
    missing = [name for name in REQUIRED_FILES.get(kind, ()) if name not in files]
    if missing:
        raise ModelError(f"{model_dir}: {META_FILE} does not list required file(s) {missing} of a {kind} model")
    extra = sorted(set(os.listdir(model_dir)) - set(files) - {META_FILE})
    if extra:
        raise ModelError(f"{model_dir}: unexpected file(s) {extra} not listed in {META_FILE}; remove them or retrain")
    for name, digest in sorted(files.items()):
        target = regular_file(model_dir / name)
        if file_sha256(target) != digest:
            raise ModelError(f"{model_dir / name}: SHA-256 differs from {META_FILE} (corrupt, or from another model); "
                             f"restore it (`dvc checkout`) or retrain")


def _read_json(path: Path) -> object:
    target = regular_file(path)
    if os.stat(target).st_size > _MAX_JSON_BYTES:
        raise ModelError(f"{path}: larger than {_MAX_JSON_BYTES:,} bytes")
    try:
        return json.loads(target.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelError(f"{path}: not valid JSON ({str(exc).splitlines()[0][:120]})") from None


def check_skops(path: Path) -> list[str]:
    """Refuse any skops type outside :data:`SKOPS_ALLOWED`; return the types to pass as ``trusted``."""
    import skops.io as sio

    target = regular_file(path)
    try:
        with zipfile.ZipFile(target) as zf:
            info = zf.getinfo("schema.json")
            if info.file_size > _MAX_JSON_BYTES:
                raise ModelError(f"{path}: schema.json larger than {_MAX_JSON_BYTES:,} bytes")
            schema = json.loads(zf.read(info))
    except ModelError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelError(f"{path}: not a readable skops file ({str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__})") from None
    foreign: set[str] = set()
    stack = [schema]
    while stack:  # iterative: a crafted schema may nest deeper than the recursion limit
        node = stack.pop()
        if isinstance(node, dict):
            if "__loader__" in node or "__module__" in node or "__class__" in node:
                pair = (str(node.get("__loader__")), f"{node.get('__module__')}.{node.get('__class__')}")
                if pair not in SKOPS_ALLOWED:
                    foreign.add(f"{pair[1]} ({pair[0]})")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    if foreign:
        raise ModelError(f"{path}: refuses to load type(s) a claimsift model never contains: {', '.join(sorted(foreign))}")
    try:
        untrusted = sio.get_untrusted_types(file=target)
    except Exception as exc:  # skops raises several types on a malformed schema
        raise ModelError(f"{path}: not a readable skops file ({type(exc).__name__})") from None
    allowed_types = {t for _, t in SKOPS_ALLOWED}
    unknown = [t for t in untrusted if t not in allowed_types]
    if unknown:
        raise ModelError(f"{path}: refuses to load untrusted type(s) {unknown}")
    return untrusted


def _safetensors_header(path: Path) -> dict:
    target = regular_file(path)
    size = os.stat(target).st_size
    with open(target, "rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            raise ModelError(f"{path}: not a safetensors file (too short)")
        (n,) = struct.unpack("<Q", head)
        if n > min(_MAX_HEADER_BYTES, size - 8) or n < 2:
            raise ModelError(f"{path}: not a safetensors file (bad header length; a pickle or another format?)")
        raw = fh.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ModelError(f"{path}: not a safetensors file (unreadable header)") from None
    if not isinstance(header, dict):
        raise ModelError(f"{path}: not a safetensors file (header is not an object)")
    body = size - 8 - n
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        ok = (isinstance(entry, dict) and entry.get("dtype") in _SAFETENSORS_DTYPES
              and isinstance(entry.get("shape"), list) and all(isinstance(d, int) and d >= 0 for d in entry["shape"])
              and isinstance(entry.get("data_offsets"), list) and len(entry["data_offsets"]) == 2
              and all(isinstance(o, int) for o in entry["data_offsets"])
              and 0 <= entry["data_offsets"][0] <= entry["data_offsets"][1] <= body)
        if not ok:
            raise ModelError(f"{path}: not a valid safetensors file (tensor {name[:80]!r})")
    return header


def check_transformer_dir(model_dir: Path) -> dict:
    """Check a transformer directory without importing transformers; returns ``config.json``.

    Refuses: missing or non-regular files, Python files, ``auto_map`` (remote code) in the
    config or tokenizer config, a model type or architecture other than the one claimsift
    trains, a malformed safetensors file, and a tokenizer whose vocabulary size differs from
    the model's.
    """
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ModelError(f"model directory not found: {model_dir}")
    for name in REQUIRED_FILES["transformer"]:
        regular_file(model_dir / name)
    code = sorted(p.name for p in model_dir.iterdir() if p.suffix in (".py", ".pyc", ".so"))
    if code:
        raise ModelError(f"{model_dir}: holds code file(s) {code}; a claimsift model never runs code")
    config = _read_json(model_dir / "config.json")
    if not isinstance(config, dict):
        raise ModelError(f"{model_dir / 'config.json'}: not a JSON object")
    if "auto_map" in config:
        raise ModelError(f"{model_dir / 'config.json'}: asks for remote code (auto_map); refused")
    archs = config.get("architectures")
    if (config.get("model_type") != TRANSFORMER_MODEL_TYPE or not isinstance(archs, list) or len(archs) != 1
            or archs[0] not in TRANSFORMER_ARCHITECTURES):
        raise ModelError(f"{model_dir}: model_type {config.get('model_type')!r} / architectures {archs!r}; "
                         f"claimsift loads only {TRANSFORMER_MODEL_TYPE!r} / one of {list(TRANSFORMER_ARCHITECTURES)}")
    tok_config = _read_json(model_dir / "tokenizer_config.json")
    if not isinstance(tok_config, dict):
        raise ModelError(f"{model_dir / 'tokenizer_config.json'}: not a JSON object")
    if "auto_map" in tok_config:
        raise ModelError(f"{model_dir / 'tokenizer_config.json'}: asks for remote code (auto_map); refused")
    if tok_config.get("tokenizer_class") not in TOKENIZER_CLASSES:
        raise ModelError(f"{model_dir / 'tokenizer_config.json'}: tokenizer_class {tok_config.get('tokenizer_class')!r}; "
                         f"claimsift loads only {list(TOKENIZER_CLASSES)}")
    vocab = config.get("vocab_size")
    if isinstance(vocab, bool) or not isinstance(vocab, int) or vocab <= 0:
        raise ModelError(f"{model_dir / 'config.json'}: no valid vocab_size")
    header = _safetensors_header(model_dir / "model.safetensors")
    emb = header.get(_EMBEDDINGS)
    if not isinstance(emb, dict) or not emb["shape"] or emb["shape"][0] != vocab:
        raise ModelError(f"{model_dir / 'model.safetensors'}: embedding matrix does not match vocab_size {vocab}")
    tok_vocab = _tokenizer_vocab_size(model_dir / "tokenizer.json")
    if tok_vocab != vocab:
        raise ModelError(f"{model_dir}: tokenizer vocabulary has {tok_vocab} entries, the model {vocab}; "
                         f"tokenizer and weights are from different models")
    return config


def _tokenizer_vocab_size(path: Path) -> int:
    from tokenizers import Tokenizer

    target = regular_file(path)
    if os.stat(target).st_size > _MAX_JSON_BYTES:
        raise ModelError(f"{path}: larger than {_MAX_JSON_BYTES:,} bytes")
    try:
        return Tokenizer.from_file(str(target)).get_vocab_size(with_added_tokens=True)
    except Exception as exc:  # tokenizers raises a bare Exception on a malformed file
        raise ModelError(f"{path}: not a readable tokenizer ({str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__})") from None


def seal(model_dir: Path) -> dict:
    """Re-export a model saved before manifests: run the kind's checks, then write ``files``.

    Only for directories you trust: it records whatever the files hold now.
    """
    from claimsift.modelmeta import read_metadata

    model_dir = Path(model_dir)
    meta = read_metadata(model_dir, verify=False)
    for name in os.listdir(model_dir):
        if name != META_FILE:
            regular_file(model_dir / name)
    if meta["kind"] == "tfidf":
        check_skops(model_dir / REQUIRED_FILES["tfidf"][0])
    else:
        check_transformer_dir(model_dir)
    meta["files"] = file_manifest(model_dir)
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    """``python -m claimsift.modelcheck seal DIR`` | ``verify DIR``."""
    import argparse

    from claimsift.modelmeta import read_metadata

    parser = argparse.ArgumentParser(prog="python -m claimsift.modelcheck", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["seal", "verify"])
    parser.add_argument("model_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.action == "seal":
            meta = seal(args.model_dir)
            print(f"sealed {args.model_dir}: {len(meta['files'])} file(s) listed in {META_FILE}")
        else:
            meta = read_metadata(args.model_dir)
            if meta["kind"] == "tfidf":
                check_skops(args.model_dir / REQUIRED_FILES["tfidf"][0])
            else:
                check_transformer_dir(args.model_dir)
            print(f"{args.model_dir}: ok")
    except ModelError as exc:
        print(f"modelcheck: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
