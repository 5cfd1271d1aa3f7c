"""Training through Accelerate: `accelerate launch` with one CPU process runs the same code path
as a plain call and gives the same training history; shards split an epoch between processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from claimsift import distributed, transformer
from tests.conftest import ARGUMENTS, FINDINGS, TESTIMONIES

SRC = Path(__file__).resolve().parents[1] / "src"
TINY = dict(
    texts=FINDINGS[:6] + TESTIMONIES[:6] + ARGUMENTS[:6],
    labels=["finding"] * 6 + ["testimony"] * 6 + ["argument"] * 6,
    dev=FINDINGS[6:8] + TESTIMONIES[6:8] + ARGUMENTS[6:8],
    dev_labels=["finding"] * 2 + ["testimony"] * 2 + ["argument"] * 2,
)
SCRIPT = """
import json, sys
from pathlib import Path
from accelerate import PartialState
from claimsift import transformer
tiny = json.loads(Path(sys.argv[1]).read_text())
result = transformer.train(tiny["texts"], tiny["labels"], tiny["dev"], tiny["dev_labels"], Path(sys.argv[2]),
                           epochs=2, batch_size=8, max_length=32, progress=False)
result["dev_probs"] = result["dev_probs"].tolist()  # the best epoch's dev probabilities (calibration)
state = PartialState()
result["launch"] = {"processes": state.num_processes, "type": str(state.distributed_type), "device": str(state.device)}
Path(sys.argv[3]).write_text(json.dumps(result))
"""


def test_shards_are_equal_and_cover_the_epoch():
    order = list(range(11))
    shards = [distributed.Parallel(None, torch.device("cpu"), rank, 3).shard(order) for rank in range(3)]
    assert [len(s) for s in shards] == [4, 4, 4]
    assert set().union(*shards) == set(order)
    assert sorted(shards[0] + shards[1] + shards[2]) == sorted(order + order[:1])  # padded by wrapping, as DDP
    assert distributed.Parallel(None, torch.device("cpu")).shard(order) == order


def test_accelerate_launch_one_cpu_process_matches_plain_training(tmp_path):
    (tmp_path / "tiny.json").write_text(json.dumps(TINY))
    (tmp_path / "train_script.py").write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(SRC), "TOKENIZERS_PARALLELISM": "false"}
    launched = subprocess.run(
        [sys.executable, "-m", "accelerate.commands.launch", "--cpu", "--num_processes", "1", "--num_machines", "1",
         "--mixed_precision", "no", "--dynamo_backend", "no",
         str(tmp_path / "train_script.py"), str(tmp_path / "tiny.json"), str(tmp_path / "launched"),
         str(tmp_path / "result.json")],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert launched.returncode == 0, launched.stderr[-2000:]
    via_accelerate = json.loads((tmp_path / "result.json").read_text())
    assert via_accelerate["launch"] == {"processes": 1, "type": "DistributedType.NO", "device": "cpu"}
    assert (tmp_path / "launched" / "model.safetensors").is_file()

    plain = transformer.train(TINY["texts"], TINY["labels"], TINY["dev"], TINY["dev_labels"], tmp_path / "plain",
                              epochs=2, batch_size=8, max_length=32, progress=False)
    assert via_accelerate["best_epoch"] == plain["best_epoch"]
    for a, b in zip(via_accelerate["history"], plain["history"]):
        assert a["epoch"] == b["epoch"] and a["dev_macro_f1"] == b["dev_macro_f1"]
        assert abs(a["train_loss"] - b["train_loss"]) < 1e-4
