"""Names vulture takes for dead code but that are used (`make lint` runs vulture with this file).

Each line is a use vulture cannot see; the comment says who uses it.
"""

# ruff: noqa: B018, F821
_.normalizer  # tokenizers.Tokenizer attributes, set to build the exported tokenizer.json
_.pre_tokenizer
_.decoder
_.post_processor
_.row_factory  # sqlite3.Connection attribute, read by sqlite3 itself
_._  # argparse looks up its translated messages through argparse._ (cli/parser.py)
cached_export  # bench/engines.py and tests/test_e5export.py: one shared export per cache folder
enqueue  # ScriptedLLM.enqueue: tests script a reply after construction
documents_changed  # IngestReport fields, read by name in texts.CLI["ingest_done"] ("{r.documents_changed}")
documents_removed
chunks_added
chunks_unchanged
chunks_removed
app_parser  # app.py: `python app.py` takes the options of `wibb serve`
serve  # app.py: serves until stopped, a setting that forbids it is a Dutch message
run_eval  # the Toetsen run as table rows in one call (tests/test_web.py drives the tab through it)
forget  # tests/test_shared_state.py: a fresh engine after the database server restarted
_sqlite  # SQLAlchemy "connect" event listener (database/engine.py)
show_cards  # @gr.render: Gradio calls it whenever the sector, kind or view changes
down_revision  # Alembic reads these module attributes of every migration (database/migrations/versions)
branch_labels
depends_on
downgrade
of_chunks  # BM25Index.of_chunks: tests build BM25 straight from chunks (tests/test_retrieval.py)
memory_mapped  # BM25Index.memory_mapped: tests/test_lexical.py checks a second process maps, not builds
rebuilt  # Corpus.rebuilt: read by the benchmark (bench/latency.py) and the tests
all_chunks  # VectorStore.all_chunks: bench/synthetic.py and the tests read a whole (small) store
intra_op_num_threads  # onnxruntime.SessionOptions attributes, read by onnxruntime (reader/engine.py)
inter_op_num_threads
log_severity_level
graph_optimization_level
optimized_model_filepath
training_data_sha256  # ReaderManifest field: tests/test_training_data.py compares it with the data's hash
case_index  # NearCopy field: which case of a set a training question copies (kept for debugging, never shown)
batch_sampler  # CrossEncoderTrainingArguments.batch_sampler: read by the trainer (training/trainer.py)
get_config_dict  # the listwise loss's settings: read by sentence-transformers for the model card (training/trainer.py)
