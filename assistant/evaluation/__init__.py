"""Evaluation: question sets -> run each case -> pure scoring -> reports, comparison and the CI gate."""
