"""The reader's training path end to end on a tiny model: sentence-transformers training, the ONNX export
without the word-embedding table, and the onnxruntime engine that reads the table separately."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("datasets")
pytestmark = pytest.mark.slow

WORDS = [
    "hoeveel",
    "wie",
    "wat",
    "reservisten",
    "zorg",
    "school",
    "ja",
    "nee",
    "geld",
    "kost",
    "betaalt",
    "directeur",
    "uur",
    "week",
    "de",
    "het",
    "een",
    "is",
]
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def tiny_base(folder: Path) -> Path:
    """A randomly initialised two-layer XLM-R with a word-level tokenizer: trains in seconds."""
    import tokenizers as tk
    from transformers import XLMRobertaConfig, XLMRobertaModel

    vocab = {t: i for i, t in enumerate(SPECIALS + WORDS)}
    tok = tk.Tokenizer(tk.models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tk.pre_tokenizers.Whitespace()
    tok.post_processor = tk.processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    folder.mkdir(parents=True)
    tok.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>",
        "sep_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>", "mask_token": "<mask>",
        "model_max_length": 60}))  # fmt: skip
    config = XLMRobertaConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=66, pad_token_id=1, bos_token_id=0,
                              eos_token_id=2)  # fmt: skip
    import torch

    torch.manual_seed(13)  # its initial weights do not depend on what ran before in the session
    XLMRobertaModel(config).save_pretrained(str(folder))
    return folder


def pairs():
    from assistant.training.mining import Pair

    out = []
    for n, question in enumerate(["hoeveel reservisten zorg", "wie betaalt de school", "wat kost het uur"]):
        out.append(Pair(f"q{n}", question, "ja geld betaalt week", 1, "d"))
        out.append(Pair(f"q{n}", question, "nee de het een", 0, "d"))
        out.append(Pair(f"q{n}", question, "nee een is", 0, "d"))
    return out * 6


def test_a_tiny_reader_trains_exports_and_scores_without_torch(tmp_path):
    import torch
    from sentence_transformers.cross_encoder import CrossEncoder

    from assistant.reader.engine import OnnxReader, TableEmbeddings
    from assistant.training.export import export_onnx
    from assistant.training.trainer import TrainSettings, train

    base = tiny_base(tmp_path / "base")
    before = XLMRobertaWeights(base)
    settings = TrainSettings(
        layers=2, epochs=15, batch_size=6, learning_rate=5e-3, warmup_ratio=0.0, max_tokens=40
    )
    model_dir = train(pairs(), base, tmp_path / "model", settings, log_every=1000)
    trained = CrossEncoder(str(model_dir))
    table = trained.model.get_input_embeddings().weight.detach().numpy()
    assert np.array_equal(table, before), "the word-embedding table must stay frozen"

    onnx_file = export_onnx(model_dir, tmp_path / "reader.onnx", quantize=False)
    import tokenizers

    reader = OnnxReader(onnx_file, tmp_path / "cache", tokenizer=tokenizers.Tokenizer.from_file(str(base / "tokenizer.json")),
                        embeddings=TableEmbeddings(table))  # fmt: skip
    passages = ["ja geld betaalt week", "nee de het een", "nee een is"]
    got = reader.score("wie betaalt de school", passages)
    with torch.no_grad():
        expected = trained.predict([("wie betaalt de school", p) for p in passages])
    assert np.allclose(got, expected, atol=1e-4), (got, expected)  # the engine is the trained model
    assert got[0] > 0.5 > max(got[1:]), got  # and it learnt what answers

    quantized = export_onnx(model_dir, tmp_path / "reader-int8.onnx")
    assert quantized.stat().st_size > 0
    int8 = OnnxReader(quantized, tmp_path / "cache", tokenizer=tokenizers.Tokenizer.from_file(str(base / "tokenizer.json")),
                      embeddings=TableEmbeddings(table))  # fmt: skip
    assert int8.score("wie betaalt de school", passages).argmax() == 0


def test_the_listwise_loss_is_the_pointwise_one_plus_each_questions_softmax_cross_entropy():
    import torch

    from assistant.training.trainer import listwise_loss

    logits = torch.tensor([2.0, 0.0, -1.0, 0.5, 0.5])

    class Model(torch.nn.Module):  # scores the pairs with fixed logits, in the order they come
        def preprocess(self, pairs, **_):
            assert pairs == [("q1", "a"), ("q1", "b"), ("q1", "c"), ("q2", "d"), ("q2", "e")]
            return {}

        def forward(self, tokens):
            return {"scores": logits}

    loss = listwise_loss(pos_weight=2.0, weight=0.5)(Model())
    got = loss((["q1", "q2"], [["a", "b", "c"], ["d", "e"]]), [[1.0, 0.0, 0.0], [0.0, 0.0]])
    labels = torch.tensor([1.0, 0.0, 0.0, 0.0, 0.0])
    pointwise = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, labels, pos_weight=torch.tensor(2.0)
    )
    listwise = -torch.log_softmax(logits[:3], 0)[0]  # q2 has no answering candidate: no listwise term
    assert torch.isclose(got, pointwise + 0.5 * listwise), (got, pointwise, listwise)


def test_the_listwise_phase_trains_on_after_the_pointwise_epochs(tmp_path):
    from sentence_transformers.cross_encoder import CrossEncoder

    from assistant.training.trainer import TrainSettings, train

    base = tiny_base(tmp_path / "base")
    common = dict(layers=2, epochs=15, batch_size=6, learning_rate=5e-3, warmup_ratio=0.0, max_tokens=40)
    pointwise = CrossEncoder(
        str(train(pairs(), base, tmp_path / "p", TrainSettings(**common), log_every=1000))
    )
    settings = TrainSettings(**common, listwise_epochs=3, listwise_questions=3, listwise_learning_rate=5e-3)
    both = CrossEncoder(str(train(pairs(), base, tmp_path / "pl", settings, log_every=1000)))
    head = [p.detach().numpy() for n, p in both.named_parameters() if n.startswith("2.")]
    before = [p.detach().numpy() for n, p in pointwise.named_parameters() if n.startswith("2.")]
    assert not all(np.array_equal(a, b) for a, b in zip(head, before, strict=True)), "the listwise phase ran"
    passages = ["ja geld betaalt week", "nee de het een", "nee een is"]
    scores = both.predict([("wie betaalt de school", p) for p in passages])
    assert scores.argmax() == 0, scores  # it still ranks the answering sentence first
    table = both.model.get_input_embeddings().weight.detach().numpy()
    assert np.array_equal(table, XLMRobertaWeights(base)), "the word-embedding table stays frozen"


def XLMRobertaWeights(folder: Path) -> np.ndarray:
    from transformers import XLMRobertaModel

    return XLMRobertaModel.from_pretrained(str(folder)).get_input_embeddings().weight.detach().numpy().copy()
